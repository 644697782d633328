#![no_main]
// Fuzz target: auditpack::fuzz::mappings must never panic, whatever the bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| auditpack::fuzz::mappings(data));
