//! The AWS client against a scripted transport: throttling, 5xx, timeouts and partial failures,
//! with attempt counts and backoff delays asserted through an injected clock.

use std::cell::RefCell;
use std::future::Future;
use std::pin::pin;
use std::task::{Context, Poll, Waker};
use std::time::Duration;

use hatoba_core::aws::client::{AwsClient, Endpoint};
use hatoba_core::aws::error::AwsErrorKind;
use hatoba_core::aws::sigv4::Credentials;
use hatoba_core::aws::{ecs, retry::RetryPolicy};
use hatoba_core::http::{Clock, HttpRequest, HttpResponse, Transport, TransportError};

/// Runs a future whose every await is ready at once (the fakes never wait).
fn block_on<F: Future>(future: F) -> F::Output {
    let mut future = pin!(future);
    let mut cx = Context::from_waker(Waker::noop());
    match future.as_mut().poll(&mut cx) {
        Poll::Ready(out) => out,
        Poll::Pending => panic!("a fake never pends"),
    }
}

struct Scripted {
    answers: RefCell<Vec<Result<HttpResponse, TransportError>>>,
    sent: RefCell<Vec<HttpRequest>>,
}

impl Scripted {
    fn new(mut answers: Vec<Result<HttpResponse, TransportError>>) -> Self {
        answers.reverse();
        Self {
            answers: RefCell::new(answers),
            sent: RefCell::new(Vec::new()),
        }
    }
}

impl Transport for Scripted {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        self.sent.borrow_mut().push(request);
        self.answers
            .borrow_mut()
            .pop()
            .expect("the script has an answer for every attempt")
    }
}

struct FakeClock {
    now_millis: RefCell<u64>,
    slept: RefCell<Vec<Duration>>,
    jitter: f64,
}

impl Clock for FakeClock {
    fn now_millis(&self) -> u64 {
        *self.now_millis.borrow()
    }
    async fn sleep(&self, duration: Duration) {
        self.slept.borrow_mut().push(duration);
        *self.now_millis.borrow_mut() += duration.as_millis() as u64;
    }
    fn jitter(&self) -> f64 {
        self.jitter
    }
}

fn clock() -> FakeClock {
    // 2026-11-27T08:00:00Z
    FakeClock {
        now_millis: RefCell::new(1_795_766_400_000),
        slept: RefCell::new(Vec::new()),
        jitter: 0.5,
    }
}

fn answer(status: u16, body: &str) -> Result<HttpResponse, TransportError> {
    Ok(HttpResponse {
        status,
        headers: vec![],
        body: body.as_bytes().to_vec(),
    })
}

const THROTTLED: &str = r#"{"__type":"ThrottlingException","message":"Rate exceeded"}"#;
const CLUSTERS: &str = r#"{"clusterArns":["arn:aws:ecs:eu-west-1:123456789012:cluster/prod"]}"#;

fn client<'a>(t: &'a Scripted, c: &'a FakeClock) -> AwsClient<'a, Scripted, FakeClock> {
    let credentials = Credentials {
        access_key_id: "AKIDFAKE".into(),
        secret_access_key: "fake-secret".into(),
        session_token: None,
    };
    AwsClient::new(
        t,
        c,
        credentials,
        Endpoint {
            region: "eu-west-1".into(),
            endpoint_url: None,
        },
    )
}

#[test]
fn throttling_then_success_retries_with_growing_jittered_backoff() {
    let transport = Scripted::new(vec![
        answer(400, THROTTLED),
        answer(503, ""),
        answer(200, CLUSTERS),
    ]);
    let clock = clock();
    let response = block_on(client(&transport, &clock).send(&ecs::list_clusters(None))).unwrap();
    assert_eq!(response.status, 200);
    assert_eq!(transport.sent.borrow().len(), 3);
    // Full jitter 0.5 over 1 s, then over 2 s.
    assert_eq!(
        *clock.slept.borrow(),
        [Duration::from_millis(500), Duration::from_secs(1)]
    );
    // Each attempt is signed anew at the clock's time: the retry after 1.5 s carries a later date.
    let dates: Vec<String> = transport
        .sent
        .borrow()
        .iter()
        .map(|r| r.header("x-amz-date").unwrap().to_owned())
        .collect();
    assert_eq!(
        dates,
        ["20261127T080000Z", "20261127T080000Z", "20261127T080001Z"]
    );
}

#[test]
fn gives_up_after_three_attempts_with_the_last_error() {
    let transport = Scripted::new(vec![
        Err(TransportError::Timeout),
        Err(TransportError::Connection("reset by peer".into())),
        answer(
            500,
            r#"{"__type":"ServerException","message":"Service unavailable"}"#,
        ),
    ]);
    let clock = clock();
    let err = block_on(client(&transport, &clock).send(&ecs::list_clusters(None))).unwrap_err();
    assert_eq!(transport.sent.borrow().len(), 3);
    assert_eq!(clock.slept.borrow().len(), 2);
    assert_eq!(
        err.to_string(),
        "ECS ListClusters failed: ServerException (HTTP 500): Service unavailable"
    );
}

#[test]
fn a_client_error_is_not_retried() {
    let transport = Scripted::new(vec![answer(
        400,
        r#"{"__type":"ClientException","message":"bad"}"#,
    )]);
    let clock = clock();
    let err =
        block_on(client(&transport, &clock).send(&ecs::update_service("prod", "web", "web:1")))
            .unwrap_err();
    assert_eq!(transport.sent.borrow().len(), 1);
    assert!(clock.slept.borrow().is_empty());
    assert_eq!(err.code(), Some("ClientException"));
}

#[test]
fn a_policy_of_one_attempt_never_sleeps() {
    let transport = Scripted::new(vec![Err(TransportError::Timeout)]);
    let clock = clock();
    let policy = RetryPolicy {
        max_attempts: 1,
        ..RetryPolicy::STANDARD
    };
    let err = block_on(
        client(&transport, &clock)
            .with_retry(policy)
            .send(&ecs::list_clusters(None)),
    )
    .unwrap_err();
    assert_eq!(err.kind, AwsErrorKind::Transport(TransportError::Timeout));
    assert!(clock.slept.borrow().is_empty());
}

#[test]
fn requests_are_signed_for_the_regional_endpoint() {
    let transport = Scripted::new(vec![answer(200, CLUSTERS)]);
    let clock = clock();
    block_on(client(&transport, &clock).send(&ecs::list_clusters(None))).unwrap();
    let sent = &transport.sent.borrow()[0];
    assert_eq!(sent.url, "https://ecs.eu-west-1.amazonaws.com/");
    let auth = sent.header("authorization").unwrap();
    assert!(
        auth.starts_with("AWS4-HMAC-SHA256 Credential=AKIDFAKE/20261127/eu-west-1/ecs/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature="),
        "{auth}"
    );
}
