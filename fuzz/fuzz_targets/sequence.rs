#![no_main]
// See tpr_harness::fuzz::sequence for what this target asserts.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tpr_harness::fuzz::sequence(data);
});
