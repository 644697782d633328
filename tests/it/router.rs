//! An HTTP client for the SDK that answers chosen operations itself and sends everything else to
//! the real HTTP client (pointed at moto). It serves the AWS Config calls moto does not implement
//! (compliance results, configuration items) with bodies shaped as AWS documents them, and
//! injects faults: throttling, 5xx, AccessDenied, hanging connections.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_smithy_runtime_api::client::http::{
    HttpClient, HttpConnector, HttpConnectorFuture, HttpConnectorSettings, SharedHttpClient, SharedHttpConnector,
};
use aws_smithy_runtime_api::client::orchestrator::{HttpRequest, HttpResponse};
use aws_smithy_runtime_api::client::runtime_components::RuntimeComponents;
use aws_smithy_runtime_api::http::StatusCode;
use aws_smithy_types::body::SdkBody;
use serde_json::Value;

/// What the router saw of a request.
#[derive(Debug, Clone)]
pub struct Req {
    /// The operation: `X-Amz-Target`'s suffix (JSON services) or the `Action` form field (IAM, STS).
    pub op: String,
    /// The region of the signature's credential scope.
    pub region: String,
    /// The JSON body of a JSON-protocol request (Null otherwise).
    pub json: Value,
    /// The form body of a Query-protocol request (IAM, STS), empty otherwise.
    pub form: String,
}

impl Req {
    /// A field of a Query-protocol form (URL-decoding left out: the tests use plain values).
    pub fn form_field(&self, name: &str) -> Option<&str> {
        self.form.split('&').find_map(|kv| kv.strip_prefix(name)?.strip_prefix('='))
    }
}

pub enum Reply {
    /// AWS JSON 1.1 (AWS Config).
    Json(u16, Value),
    /// AWS Query protocol XML (IAM, STS).
    Xml(u16, String),
    /// Never answers: the SDK's attempt timeout has to end the call.
    Hang,
}

type Rule = Arc<dyn Fn(&Req) -> Option<Reply> + Send + Sync>;
type Amendment = (&'static str, Arc<dyn Fn(Vec<u8>) -> Vec<u8> + Send + Sync>);

#[derive(Clone, Default)]
pub struct Router {
    rules: Arc<Mutex<Vec<Rule>>>,
    amendments: Arc<Mutex<Vec<Amendment>>>,
    seen: Arc<Mutex<Vec<Req>>>,
}

impl std::fmt::Debug for Router {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Router")
    }
}

impl Router {
    /// Answer requests for which `rule` returns a reply (earlier rules win).
    pub fn on(&self, rule: impl Fn(&Req) -> Option<Reply> + Send + Sync + 'static) -> &Self {
        self.rules.lock().unwrap().push(Arc::new(rule));
        self
    }

    /// Answer every request for `op` with `reply()`.
    pub fn always(&self, op: &'static str, reply: impl Fn() -> Reply + Send + Sync + 'static) -> &Self {
        self.on(move |r| (r.op == op).then(&reply))
    }

    /// Forward `op` to moto, then rewrite the body of its answer with `amend` (to give an answer
    /// what moto leaves out and AWS always sends).
    pub fn amend(&self, op: &'static str, amend: impl Fn(Vec<u8>) -> Vec<u8> + Send + Sync + 'static) -> &Self {
        self.amendments.lock().unwrap().push((op, Arc::new(amend)));
        self
    }

    /// Every request seen (answered here or forwarded), in order.
    pub fn seen(&self) -> Vec<Req> {
        self.seen.lock().unwrap().clone()
    }

    pub fn count(&self, op: &str) -> usize {
        self.seen().iter().filter(|r| r.op == op).count()
    }

    pub fn client(&self) -> SharedHttpClient {
        SharedHttpClient::new(RouterClient { router: self.clone(), inner: aws_smithy_http_client::Builder::new().build_http() })
    }
}

#[derive(Debug)]
struct RouterClient {
    router: Router,
    inner: SharedHttpClient,
}

impl HttpClient for RouterClient {
    fn http_connector(&self, settings: &HttpConnectorSettings, components: &RuntimeComponents) -> SharedHttpConnector {
        SharedHttpConnector::new(RouterConnector { router: self.router.clone(), inner: self.inner.http_connector(settings, components) })
    }
}

#[derive(Debug)]
struct RouterConnector {
    router: Router,
    inner: SharedHttpConnector,
}

fn describe(request: &HttpRequest) -> Req {
    let body = request.body().bytes().unwrap_or_default();
    let (op, json, form) = match request.headers().get("x-amz-target") {
        Some(target) => {
            (target.rsplit('.').next().unwrap_or_default().to_string(), serde_json::from_slice(body).unwrap_or(Value::Null), String::new())
        }
        None => {
            let form = String::from_utf8_lossy(body).into_owned();
            let action = form.split('&').find_map(|kv| kv.strip_prefix("Action=")).unwrap_or_default().to_string();
            (action, Value::Null, form)
        }
    };
    let region = request
        .headers()
        .get("authorization")
        .and_then(|a| a.split("Credential=").nth(1))
        .and_then(|c| c.split('/').nth(2))
        .unwrap_or_default()
        .to_string();
    Req { op, region, json, form }
}

fn response(status: u16, content_type: &str, body: Vec<u8>) -> HttpResponse {
    let mut r = HttpResponse::new(StatusCode::try_from(status).expect("valid status"), SdkBody::from(body));
    r.headers_mut().insert("content-type", content_type.to_string());
    r.headers_mut().insert("x-amzn-requestid", "00000000-0000-0000-0000-000000000000");
    r
}

impl HttpConnector for RouterConnector {
    fn call(&self, request: HttpRequest) -> HttpConnectorFuture {
        let req = describe(&request);
        self.router.seen.lock().unwrap().push(req.clone());
        let rules: Vec<Rule> = self.router.rules.lock().unwrap().clone();
        let amendment = self.router.amendments.lock().unwrap().iter().find(|(op, _)| *op == req.op).map(|(_, f)| f.clone());
        match rules.iter().find_map(|rule| rule(&req)) {
            None => match amendment {
                None => self.inner.call(request),
                Some(amend) => {
                    let answer = self.inner.call(request);
                    HttpConnectorFuture::new(async move {
                        let answer = answer.await?;
                        let status = answer.status().as_u16();
                        let content_type = answer.headers().get("content-type").unwrap_or("text/xml").to_string();
                        let body = aws_smithy_types::byte_stream::ByteStream::new(answer.into_body())
                            .collect()
                            .await
                            .expect("moto's answer reads")
                            .into_bytes()
                            .to_vec();
                        Ok(response(status, &content_type, amend(body)))
                    })
                }
            },
            Some(Reply::Json(status, body)) => {
                HttpConnectorFuture::ready(Ok(response(status, "application/x-amz-json-1.1", serde_json::to_vec(&body).unwrap())))
            }
            Some(Reply::Xml(status, body)) => HttpConnectorFuture::ready(Ok(response(status, "text/xml", body.into_bytes()))),
            Some(Reply::Hang) => HttpConnectorFuture::new(async {
                tokio::time::sleep(Duration::from_secs(3600)).await;
                unreachable!("the SDK's attempt timeout ends a hanging call")
            }),
        }
    }
}

/// The error body of a JSON-protocol service.
pub fn json_error(status: u16, code: &str, message: &str) -> Reply {
    Reply::Json(status, serde_json::json!({ "__type": code, "message": message }))
}

/// The error body of a Query-protocol service (IAM).
pub fn xml_error(status: u16, code: &str, message: &str) -> Reply {
    let kind = if status >= 500 { "Receiver" } else { "Sender" };
    Reply::Xml(
        status,
        format!(
            "<ErrorResponse xmlns=\"https://iam.amazonaws.com/doc/2010-05-08/\"><Error><Type>{kind}</Type><Code>{code}</Code>\
<Message>{message}</Message></Error><RequestId>00000000-0000-0000-0000-000000000000</RequestId></ErrorResponse>"
        ),
    )
}
