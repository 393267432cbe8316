//! `hatoba lsp` driven as an editor drives it: a session over the binary's standard input and
//! output, from `initialize` to `exit`.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Command, Stdio};

use serde_json::{Value, json};

/// A running server and what it has said.
struct Session {
    child: std::process::Child,
    out: BufReader<std::process::ChildStdout>,
    next_id: u64,
}

impl Session {
    fn start() -> Self {
        let mut child = Command::new(env!("CARGO_BIN_EXE_hatoba"))
            .arg("lsp")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect("the hatoba binary runs");
        let out = BufReader::new(child.stdout.take().unwrap());
        Session {
            child,
            out,
            next_id: 1,
        }
    }

    fn write(&mut self, message: Value) {
        let body = message.to_string();
        let stdin = self.child.stdin.as_mut().unwrap();
        write!(stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).unwrap();
        stdin.flush().unwrap();
    }

    fn read(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            assert!(
                self.out.read_line(&mut line).unwrap() > 0,
                "the server closed its output"
            );
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(n) = line.strip_prefix("Content-Length: ") {
                length = n.parse().unwrap();
            }
        }
        let mut body = vec![0; length];
        self.out.read_exact(&mut body).unwrap();
        serde_json::from_slice(&body).unwrap()
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.write(json!({"jsonrpc": "2.0", "method": method, "params": params}));
    }

    /// Sends a request and gives its answer (notifications before it are skipped).
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.write(json!({"jsonrpc": "2.0", "id": id, "method": method, "params": params}));
        loop {
            let message = self.read();
            if message["id"] == json!(id) {
                return message;
            }
        }
    }

    /// The next diagnostics published.
    fn diagnostics(&mut self) -> Value {
        loop {
            let message = self.read();
            if message["method"] == "textDocument/publishDiagnostics" {
                return message["params"].clone();
            }
        }
    }
}

const URI: &str = "file:///nowhere/shop/.github/workflows/deploy.yml";

#[test]
fn a_session_diagnoses_completes_hovers_and_fixes_a_workflow() {
    let mut s = Session::start();
    let init = s.request("initialize", json!({"capabilities": {}}));
    assert_eq!(init["result"]["capabilities"]["hoverProvider"], true);
    assert_eq!(init["result"]["serverInfo"]["name"], "hatoba");
    s.notify("initialized", json!({}));

    let text = "on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v2\n      - uses: aws-actions/configure-aws-credentials@v4\n        with:\n          aws-re\n";
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": URI, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let published = s.diagnostics();
    assert_eq!(published["uri"], URI);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let outdated = diagnostics
        .iter()
        .find(|d| d["code"] == "outdated-action")
        .expect("actions/checkout@v2 is found");
    assert_eq!(
        outdated["range"],
        json!({"start": {"line": 5, "character": 14}, "end": {"line": 5, "character": 33}})
    );
    assert_eq!(outdated["source"], "hatoba");

    // Completion: the action's inputs, replacing the word written.
    let c = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": URI}, "position": {"line": 8, "character": 16}}),
    );
    let items = c["result"]["items"].as_array().unwrap();
    assert_eq!(items[0]["label"], "aws-region");
    assert_eq!(
        items[0]["textEdit"]["range"],
        json!({"start": {"line": 8, "character": 10}, "end": {"line": 8, "character": 16}})
    );
    assert_eq!(items[0]["textEdit"]["newText"], "aws-region: ");

    // Hover: the key's type and its reference page.
    let h = s.request(
        "textDocument/hover",
        json!({"textDocument": {"uri": URI}, "position": {"line": 3, "character": 6}}),
    );
    let shown = h["result"]["contents"]["value"].as_str().unwrap();
    assert!(shown.starts_with("**`runs-on`**\n"), "{shown}");
    assert!(shown.contains("[Reference](https://docs.github.com/en/actions/reference/workflows-and-actions/workflow-syntax#jobsjob_idruns-on)"), "{shown}");

    // The quick fix of the retired version, as a code action that edits the text.
    let a = s.request("textDocument/codeAction", json!({"textDocument": {"uri": URI}, "range": {"start": {"line": 5, "character": 0}, "end": {"line": 5, "character": 0}}, "context": {"diagnostics": []}}));
    let actions = a["result"].as_array().unwrap();
    assert_eq!(actions.len(), 1, "{actions:?}");
    assert_eq!(actions[0]["title"], "Use actions/checkout@v4");
    let edit = &actions[0]["edit"]["changes"][URI][0];
    assert_eq!(edit["newText"], "v4");

    // A change: the text with the fix and the input written; its findings follow.
    let fixed = text
        .replace("checkout@v2", "checkout@v4")
        .replace("aws-re\n", "aws-region: eu-west-1\n");
    s.notify(
        "textDocument/didChange",
        json!({"textDocument": {"uri": URI, "version": 2}, "contentChanges": [{"text": fixed}]}),
    );
    let published = s.diagnostics();
    assert!(
        published["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .all(|d| d["code"] != "outdated-action"),
        "{published}"
    );

    // An unknown request is answered with an error, and the session ends cleanly.
    let unknown = s.request("textDocument/rename", json!({}));
    assert_eq!(unknown["error"]["code"], -32601);
    assert_eq!(s.request("shutdown", Value::Null)["result"], Value::Null);
    s.notify("exit", Value::Null);
    assert!(s.child.wait().unwrap().success());
}

#[test]
fn a_task_definition_anywhere_is_served_and_other_files_are_left_alone() {
    let mut s = Session::start();
    s.request("initialize", json!({"capabilities": {}}));
    let uri = "file:///nowhere/td.json";
    let text = "{\"family\": \"web\", \"networkMode\": \"awsvpc\", \"requiresCompatibilities\": [\"FARGATE\"], \"cpu\": \"256\", \"memory\": \"4096\",\n \"containerDefinitions\": [{\"name\": \"web\", \"image\": \"nginx:1\", \"essential\": true}]}\n";
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "json", "version": 1, "text": text}}),
    );
    let published = s.diagnostics();
    let codes: Vec<&str> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|d| d["code"].as_str())
        .collect();
    assert!(codes.contains(&"fargate-cpu-memory"), "{published}");
    // Inside the memory's quotes: the sizes Fargate pairs with the cpu of 256.
    let inside = text.find("\"4096\"").unwrap() + 1;
    let c = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 0, "character": inside}}),
    );
    let labels: Vec<&str> = c["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["512", "1024", "2048"]);

    let other = "file:///nowhere/notes.yml";
    s.notify("textDocument/didOpen", json!({"textDocument": {"uri": other, "languageId": "yaml", "version": 1, "text": "a: b\n"}}));
    assert_eq!(s.diagnostics()["diagnostics"], json!([]));
    assert_eq!(
        s.request(
            "textDocument/hover",
            json!({"textDocument": {"uri": other}, "position": {"line": 0, "character": 0}})
        )["result"],
        Value::Null
    );
    // Not JSON: an error answer, and the session goes on.
    let stdin = s.child.stdin.as_mut().unwrap();
    write!(stdin, "Content-Length: 3\r\n\r\n{{x}}").unwrap();
    stdin.flush().unwrap();
    assert_eq!(s.read()["error"]["code"], -32700);
    // exit without shutdown: exit code 1, as the protocol asks.
    s.notify("exit", Value::Null);
    assert_eq!(s.child.wait().unwrap().code(), Some(1));
}

#[test]
fn a_render_step_completes_the_containers_of_the_task_definition_it_names() {
    let root = std::env::temp_dir().join(format!("hatoba-lsp-repo-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(root.join(".git")).unwrap();
    std::fs::create_dir_all(root.join(".github/workflows")).unwrap();
    std::fs::create_dir_all(root.join("deploy")).unwrap();
    std::fs::write(
        root.join("deploy/td.json"),
        r#"{"family": "shop", "containerDefinitions": [{"name": "web"}, {"name": "log-router"}]}"#,
    )
    .unwrap();
    let uri = format!("file://{}/.github/workflows/deploy.yml", root.display());
    let text = "on: push\njobs:\n  d:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: aws-actions/amazon-ecs-render-task-definition@v1\n        with:\n          task-definition: deploy/td.json\n          container-name: \n          image: x\n";
    let mut s = Session::start();
    s.request("initialize", json!({"capabilities": {}}));
    s.notify(
        "textDocument/didOpen",
        json!({"textDocument": {"uri": uri, "languageId": "yaml", "version": 1, "text": text}}),
    );
    let c = s.request(
        "textDocument/completion",
        json!({"textDocument": {"uri": uri}, "position": {"line": 8, "character": 26}}),
    );
    let labels: Vec<&str> = c["result"]["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|i| i["label"].as_str())
        .collect();
    assert_eq!(labels, ["web", "log-router"]);
    s.request("shutdown", Value::Null);
    s.notify("exit", Value::Null);
    assert!(s.child.wait().unwrap().success());
    std::fs::remove_dir_all(&root).unwrap();
}
