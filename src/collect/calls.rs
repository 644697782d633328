//! Every request the SDK sends, recorded by an interceptor (for the call counts `collect`
//! prints, the benchmark, and the test that holds `collect` to its read-only IAM policy), and
//! the failure of a call as the manifest records it.

use std::fmt;
use std::sync::{Arc, Mutex};

use aws_smithy_runtime_api::box_error::BoxError;
use aws_smithy_runtime_api::client::interceptors::context::BeforeTransmitInterceptorContextRef;
use aws_smithy_runtime_api::client::interceptors::Intercept;
use aws_smithy_runtime_api::client::orchestrator::{HttpResponse, Metadata};
use aws_smithy_runtime_api::client::result::SdkError;
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_types::config_bag::ConfigBag;
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_smithy_types::error::metadata::ProvideErrorMetadata;

/// Records `service:Operation` (the IAM action prefix and name) for each attempt of each call.
#[derive(Debug, Clone, Default)]
pub struct CallLog(Arc<Mutex<Vec<String>>>);

impl CallLog {
    pub fn calls(&self) -> Vec<String> {
        self.0.lock().expect("call log lock").clone()
    }
}

/// The IAM action prefix of an SDK service name.
fn action_prefix(service: &str) -> String {
    match service {
        "Config Service" => "config".to_string(),
        other => other.to_ascii_lowercase(),
    }
}

impl Intercept for CallLog {
    fn name(&self) -> &'static str {
        "auditpack::CallLog"
    }

    fn read_before_transmit(
        &self,
        _context: &BeforeTransmitInterceptorContextRef<'_>,
        _components: &RuntimeComponents,
        cfg: &mut ConfigBag,
    ) -> Result<(), BoxError> {
        if let Some(m) = cfg.load::<Metadata>() {
            let call = format!("{}:{}", action_prefix(m.service()), m.name());
            tracing::debug!(call, "request");
            self.0.lock().expect("call log lock").push(call);
        }
        Ok(())
    }
}

/// Why a call produced no evidence: the service's error code (or a transport condition such as
/// `Timeout`) and a readable message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure {
    pub code: String,
    pub message: String,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.code, self.message)
    }
}

impl Failure {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Failure {
        Failure { code: code.into(), message: message.into() }
    }

    pub fn from_sdk<E>(err: &SdkError<E, HttpResponse>) -> Failure
    where
        E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
    {
        let full = DisplayErrorContext(err).to_string();
        match err {
            SdkError::ServiceError(s) => {
                let status = s.raw().status().as_u16();
                let code = s.err().code().map(str::to_string).unwrap_or_else(|| format!("HTTP{status}"));
                let message = s.err().message().map(str::to_string).unwrap_or_else(|| format!("HTTP status {status} ({})", clip(&full)));
                Failure { code, message }
            }
            SdkError::TimeoutError(_) => Failure::new("Timeout", format!("no answer within the time limit ({full})")),
            SdkError::DispatchFailure(d) if d.is_timeout() => Failure::new("Timeout", full),
            SdkError::DispatchFailure(d) if d.is_io() => Failure::new("ConnectionError", full),
            SdkError::DispatchFailure(_) => Failure::new("DispatchFailure", full),
            SdkError::ResponseError(r) => {
                // The raw body would follow in `full`: keep only what went wrong.
                let why = std::error::Error::source(err).map(|s| s.to_string()).unwrap_or_default();
                let status = r.raw().status().as_u16();
                Failure::new(
                    format!("HTTP{status}"),
                    format!("HTTP status {status} with an answer that is not an AWS response: {}", clip(&why)),
                )
            }
            SdkError::ConstructionFailure(_) => Failure::new("RequestError", full),
            _ => Failure::new("Unknown", full),
        }
    }

    /// The account has not enabled (opted into) the region.
    pub fn region_not_enabled(&self) -> bool {
        matches!(self.code.as_str(), "UnrecognizedClientException" | "InvalidClientTokenId" | "AuthFailure")
    }
}

/// At most 300 characters of an error text.
fn clip(text: &str) -> String {
    match text.char_indices().nth(300) {
        Some((at, _)) => format!("{}…", &text[..at]),
        None => text.to_string(),
    }
}
