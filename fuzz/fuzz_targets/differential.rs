#![no_main]
// In-process differential fuzzing: replace `ModelImplementation` with your implementation of
// `tpr_harness::fuzz::Implementation` to fuzz it against the reference model.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tpr_harness::fuzz::differential_model(data));
