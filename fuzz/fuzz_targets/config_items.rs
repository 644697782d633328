#![no_main]
// Fuzz target: auditpack::fuzz::config_items must never panic, whatever the bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| auditpack::fuzz::config_items(data));
