//! Amazon CloudWatch Logs: the last lines a failed container wrote, read with `GetLogEvents`.

use crate::deserialize_with_read;
use crate::fields::{FieldError, Obj};

use super::client::{LOGS, Operation};

/// `GetLogEvents`: the last `limit` events of `stream` in `group`.
pub fn get_last_log_events(group: &str, stream: &str, limit: u32) -> Operation {
    Operation::aws_json(
        LOGS,
        "Logs_20140328",
        "GetLogEvents",
        &serde_json::json!({
            "logGroupName": group,
            "logStreamName": stream,
            "limit": limit,
            "startFromHead": false,
        }),
    )
}

/// The answer of `GetLogEvents`: the events' messages, oldest first.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GetLogEventsOutput {
    /// Each event's message.
    pub messages: Vec<String>,
}

deserialize_with_read!(GetLogEventsOutput, "GetLogEvents' answer");

impl GetLogEventsOutput {
    fn read(o: &Obj) -> Result<Self, FieldError> {
        Ok(Self {
            messages: o.list("events", |e| e.text("message"))?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aws::client::read_json;
    use crate::http::HttpResponse;

    #[test]
    fn asks_for_the_last_events_and_reads_their_messages() {
        let op = get_last_log_events("/ecs/web", "web/web/0123abcd", 20);
        assert_eq!(
            (op.service, op.signing_name, op.endpoint_prefix),
            ("CloudWatch Logs", "logs", "logs")
        );
        assert!(op.headers.contains(&(
            "x-amz-target".to_owned(),
            "Logs_20140328.GetLogEvents".to_owned()
        )));
        let body: serde_json::Value = serde_json::from_slice(&op.body).unwrap();
        assert_eq!(body["startFromHead"], false);
        assert_eq!(body["limit"], 20);
        let out: GetLogEventsOutput = read_json(
            &op,
            &HttpResponse {
                status: 200,
                headers: vec![],
                body: br#"{"events":[{"timestamp":1,"message":"starting","ingestionTime":2},{"timestamp":3,"message":"DATABASE_URL is not set"}],"nextForwardToken":"f/1"}"#.to_vec(),
            },
        )
        .unwrap();
        assert_eq!(out.messages, ["starting", "DATABASE_URL is not set"]);
    }
}
