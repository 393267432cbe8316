//! Hatoba's checks worker: the rules of `hatoba_core` behind a service binding. Hatoba's worker
//! asks it before a revision is registered (`POST /task-definition`) to review a pull request's
//! files (`POST /review`) and to judge a deploy plan (`POST /plan`); it reads nothing but the request, keeps nothing and reaches
//! nothing.

use worker::{Context, Env, Request, Response, Result, event};

/// The largest body read: a task definition is at most 64 KiB in AWS, and what the worker sends
/// is its rendered revision.
const BODY_LIMIT: usize = 1 << 20;

#[event(fetch)]
async fn fetch(mut req: Request, _env: Env, _ctx: Context) -> Result<Response> {
    let path = req.path();
    if req.method() != worker::Method::Post {
        return Response::error("only POST is answered here", 405);
    }
    let body = req.bytes().await?;
    if body.len() > BODY_LIMIT {
        return Response::error("the body is over 1 MiB", 413);
    }
    let Ok(text) = std::str::from_utf8(&body) else {
        return Response::error("the body is not UTF-8", 400);
    };
    match path.as_str() {
        "/task-definition" => json(hatoba_core::checks::answer_task_definition(text)),
        "/plan" => match hatoba_core::review::answer_plan(text.as_bytes()) {
            Ok(answer) => json(answer),
            Err(why) => Response::error(why, 400),
        },
        "/review" => match hatoba_core::review::answer_review(text.as_bytes()) {
            Ok(answer) => json(answer),
            Err(why) => Response::error(why, 400),
        },
        _ => Response::error("no such check", 404),
    }
}

fn json(body: String) -> Result<Response> {
    let mut response = Response::ok(body)?;
    response
        .headers_mut()
        .set("content-type", "application/json")?;
    Ok(response)
}
