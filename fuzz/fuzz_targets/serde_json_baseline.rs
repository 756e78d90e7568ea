#![no_main]
// Baseline for exec/s ratios: a bare serde_json parse of the same inputs as `body`.
libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    let _ = serde_json::from_slice::<serde_json::Value>(data);
});
