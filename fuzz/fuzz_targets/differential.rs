#![no_main]
// In-process differential fuzzing through the one seam: put your implementation behind
// `tpr_harness::sut::implementation::InProcess` and call `tpr_harness::fuzz::differential`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tpr_harness::fuzz::differential_model(data));
