#![no_main]
// Fuzz target: auditpack::fuzz::cycle_inputs must never panic, whatever the bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| auditpack::fuzz::cycle_inputs(data));
