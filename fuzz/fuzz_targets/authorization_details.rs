#![no_main]
// Fuzz target: auditpack::fuzz::authorization_details must never panic, whatever the bytes.
libfuzzer_sys::fuzz_target!(|data: &[u8]| auditpack::fuzz::authorization_details(data));
