#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| tpr_harness::fuzz::endpoint_bytes(data));
