//! The "Task definition" page: the source with its findings, a form for the common fields kept
//! in sync with it, and render / diff / download of the result. Every decision is `core`'s.

use hatoba_core::finding::Finding;
use hatoba_core::taskdef::{diff, render, units};
use leptos::prelude::*;
use serde_json::{Value, json};

use crate::editor::{SourceEditor, copy_to_clipboard, download, settled, stored};
use crate::frame::PageIntro;
use crate::page::Page;

/// Where the page keeps its text (the workflow page checks render steps against it).
pub(crate) const STORAGE_KEY: &str = "hatoba.taskdef.source";

const SAMPLE: &str = r#"{
  "family": "web",
  "executionRoleArn": "arn:aws:iam::123456789012:role/ecsTaskExecutionRole",
  "networkMode": "awsvpc",
  "requiresCompatibilities": ["FARGATE"],
  "cpu": "256",
  "memory": "512",
  "containerDefinitions": [
    {
      "name": "web",
      "image": "123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:latest",
      "essential": true,
      "portMappings": [{"containerPort": 8080}],
      "environment": [{"name": "RUST_LOG", "value": "info"}],
      "logConfiguration": {
        "logDriver": "awslogs",
        "options": {"awslogs-group": "/ecs/web", "awslogs-region": "eu-west-1", "awslogs-stream-prefix": "web"}
      }
    }
  ]
}
"#;

fn pretty(value: &Value) -> String {
    let mut text = serde_json::to_string_pretty(value).unwrap_or_default();
    text.push('\n');
    text
}

/// Edit and check an ECS task definition, render a new image into it.
#[component]
pub fn TaskDefinitionPage() -> impl IntoView {
    let source = RwSignal::new(stored(STORAGE_KEY).unwrap_or_else(|| SAMPLE.to_owned()));
    let checked = settled(STORAGE_KEY, source);
    let findings: Signal<Vec<Finding>> =
        Memo::new(move |_| checked.with(|s| hatoba_core::taskdef::check(s))).into();
    let document = Memo::new(move |_| {
        checked.with(|s| hatoba_core::taskdef::load(s).document.map(|d| d.to_json()))
    });
    // Form edits rewrite the source from the parsed document.
    let edit = move |change: &dyn Fn(&mut Value)| {
        if let Some(mut td) = document.get_untracked() {
            change(&mut td);
            source.set(pretty(&td));
        }
    };
    let edit: Edit = StoredValue::new_local(Box::new(edit));
    view! {
        <section class="page" data-page="taskdef">
            <PageIntro page=Page::TaskDefinition>
                "Paste or open a task definition (JSON, or the output of "
                <code>"aws ecs describe-task-definition"</code>
                "): it is checked as you type against the ECS API and Fargate's rules, each finding marked at its line. "
                "Edit the common fields in the form, render a new image, compare, and download the result or its "
                <code>"imagedefinitions.json"</code>"."
            </PageIntro>
            <div class="workspace">
                <SourceEditor source=source findings=findings label="Task definition source" accept=".json,application/json" language="json" fixes=hatoba_core::fix::taskdef_fixes assist=hatoba_core::assist::Language::TaskDefinition />
                <div class="side">
                    <TaskForm document=document edit=edit />
                    <RenderPanel document=document />
                </div>
            </div>
        </section>
    }
}

/// Applies a change to the parsed document and writes it back to the source.
type Edit = StoredValue<Box<dyn Fn(&dyn Fn(&mut Value))>, LocalStorage>;

fn set_or_remove(object: &mut Value, key: &str, value: Option<Value>) {
    if let Some(map) = object.as_object_mut() {
        match value {
            Some(v) => {
                map.insert(key.to_owned(), v);
            }
            None => {
                map.shift_remove(key);
            }
        }
    }
}

/// `KEY=VALUE` lines from a list of `{name, <value_key>}`.
fn pairs_text(list: &Value, value_key: &str) -> String {
    list.as_array()
        .map(|items| {
            items
                .iter()
                .map(|i| {
                    format!(
                        "{}={}",
                        i["name"].as_str().unwrap_or_default(),
                        i[value_key].as_str().unwrap_or_default()
                    )
                })
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default()
}

/// A list of `{name, <value_key>}` from `KEY=VALUE` lines (values may hold `=`).
fn pairs_value(text: &str, value_key: &str) -> Option<Value> {
    let items: Vec<Value> = text
        .lines()
        .filter_map(|l| render::key_value(l.trim()).ok())
        .map(|(k, v)| json!({ "name": k, value_key: v }))
        .collect();
    (!items.is_empty()).then(|| Value::Array(items))
}

/// The common fields as a form; every change is written back to the source.
#[component]
fn TaskForm(document: Memo<Option<Value>>, edit: Edit) -> impl IntoView {
    let apply = move |change: &dyn Fn(&mut Value)| edit.with_value(|e| e(change));
    view! {
        <form class="card taskdef-form" aria-label="Task definition form" on:submit=|ev| ev.prevent_default()>
            <h2>"Form"</h2>
            {move || match document.get() {
                None => view! { <p class="hint">"Fix the JSON to edit it here."</p> }.into_any(),
                Some(td) => {
                    let fargate = td["requiresCompatibilities"].as_array().is_some_and(|c| c.iter().any(|v| v == "FARGATE"));
                    let cpu = td["cpu"].as_str().and_then(units::cpu_units);
                    let memory = td["memory"].as_str().and_then(units::memory_mib);
                    let containers = td["containerDefinitions"].as_array().cloned().unwrap_or_default();
                    view! {
                        <label>
                            "Family"
                            <input
                                name="family"
                                prop:value=td["family"].as_str().unwrap_or_default().to_owned()
                                on:change:target=move |ev| {
                                    let v = ev.target().value();
                                    apply(&move |td| set_or_remove(td, "family", Some(json!(v))));
                                }
                            />
                        </label>
                        <label class="checkbox">
                            <input
                                type="checkbox"
                                name="fargate"
                                prop:checked=fargate
                                on:change:target=move |ev| {
                                    let on = ev.target().checked();
                                    apply(&move |td| {
                                        let v = if on { json!(["FARGATE"]) } else { json!(["EC2"]) };
                                        set_or_remove(td, "requiresCompatibilities", Some(v));
                                        if on {
                                            set_or_remove(td, "networkMode", Some(json!("awsvpc")));
                                        }
                                    });
                                }
                            />
                            "Fargate"
                        </label>
                        <div class="row">
                            <label>
                                "CPU"
                                <select
                                    name="cpu"
                                    on:change:target=move |ev| {
                                        let v = ev.target().value();
                                        apply(&move |td| {
                                            // Keep the memory when it fits the new size, else the smallest that does.
                                            let cpu: u32 = v.parse().unwrap_or(256);
                                            let allowed = units::fargate_memory_for_cpu(cpu).unwrap_or_default();
                                            let memory = td["memory"].as_str().and_then(units::memory_mib);
                                            let memory = memory.filter(|m| allowed.contains(m)).or(allowed.first().copied());
                                            set_or_remove(td, "cpu", Some(json!(v)));
                                            set_or_remove(td, "memory", memory.map(|m| json!(m.to_string())));
                                        });
                                    }
                                >
                                    <option value="" selected=cpu.is_none()>"—"</option>
                                    {units::FARGATE_CPU
                                        .iter()
                                        .map(|c| view! { <option value=c.to_string() selected=cpu == Some(*c)>{format!("{} ({c})", units::vcpu(*c))}</option> })
                                        .collect_view()}
                                </select>
                            </label>
                            <label>
                                "Memory"
                                <select
                                    name="memory"
                                    on:change:target=move |ev| {
                                        let v = ev.target().value();
                                        apply(&move |td| set_or_remove(td, "memory", Some(json!(v))));
                                    }
                                >
                                    <option value="" selected=memory.is_none()>"—"</option>
                                    {
                                        // On Fargate only the sizes that go with the CPU are offered.
                                        let options: Vec<u32> = match (fargate, cpu.and_then(units::fargate_memory_for_cpu)) {
                                            (true, Some(allowed)) => allowed,
                                            _ => [512, 1024, 2048, 3072, 4096, 8192, 16384].into(),
                                        };
                                        options
                                            .into_iter()
                                            .map(|m| view! { <option value=m.to_string() selected=memory == Some(m)>{if m % 1024 == 0 { format!("{} GB", m / 1024) } else { format!("{m} MiB") }}</option> })
                                            .collect_view()
                                    }
                                </select>
                            </label>
                        </div>
                        {containers
                            .into_iter()
                            .enumerate()
                            .map(|(i, c)| view! { <ContainerFields index=i container=c apply=edit /> })
                            .collect_view()}
                    }
                        .into_any()
                }
            }}
        </form>
    }
}

/// The fields of container `index`.
#[component]
fn ContainerFields(index: usize, container: Value, apply: Edit) -> impl IntoView {
    let set = move |key: &'static str, value: Option<Value>| {
        apply.with_value(|e| {
            e(&move |td: &mut Value| {
                set_or_remove(&mut td["containerDefinitions"][index], key, value.clone())
            })
        })
    };
    let ports = container["portMappings"]
        .as_array()
        .map(|p| {
            p.iter()
                .filter_map(|m| m["containerPort"].as_u64())
                .map(|p| p.to_string())
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default();
    let log_group = container["logConfiguration"]["options"]["awslogs-group"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    let name = container["name"].as_str().unwrap_or_default().to_owned();
    let label = name.clone();
    view! {
        <fieldset class="container" data-container=label>
            <legend>{format!("Container {}", index + 1)}</legend>
            <label>"Name" <input name="container-name" prop:value=name on:change:target=move |ev| set("name", Some(json!(ev.target().value()))) /></label>
            <label>"Image" <input name="container-image" prop:value=container["image"].as_str().unwrap_or_default().to_owned() on:change:target=move |ev| set("image", Some(json!(ev.target().value()))) /></label>
            <label class="checkbox">
                <input type="checkbox" name="container-essential" prop:checked=container["essential"].as_bool().unwrap_or(true) on:change:target=move |ev| set("essential", Some(json!(ev.target().checked()))) />
                "Essential"
            </label>
            <label>
                "Container ports"
                <input
                    name="container-ports"
                    placeholder="8080, 9090"
                    prop:value=ports
                    on:change:target=move |ev| {
                        let ports: Vec<Value> = ev.target().value().split([',', ' ']).filter_map(|p| p.trim().parse::<u16>().ok()).map(|p| json!({"containerPort": p})).collect();
                        set("portMappings", (!ports.is_empty()).then(|| Value::Array(ports)));
                    }
                />
            </label>
            <label>
                "Environment (NAME=value, one a line)"
                <textarea name="container-environment" rows="3" prop:value=pairs_text(&container["environment"], "value") on:change:target=move |ev| set("environment", pairs_value(&ev.target().value(), "value"))></textarea>
            </label>
            <label>
                "Secrets (NAME=ARN or parameter, one a line)"
                <textarea name="container-secrets" rows="2" prop:value=pairs_text(&container["secrets"], "valueFrom") on:change:target=move |ev| set("secrets", pairs_value(&ev.target().value(), "valueFrom"))></textarea>
            </label>
            <label>
                "CloudWatch log group"
                <input
                    name="container-log-group"
                    placeholder="/ecs/web"
                    prop:value=log_group
                    on:change:target=move |ev| {
                        let group = ev.target().value();
                        apply.with_value(|e| {
                            e(&move |td: &mut Value| {
                                let c = &mut td["containerDefinitions"][index];
                                if group.is_empty() {
                                    set_or_remove(c, "logConfiguration", None);
                                } else {
                                    if c["logConfiguration"]["logDriver"].is_null() {
                                        c["logConfiguration"]["logDriver"] = json!("awslogs");
                                    }
                                    c["logConfiguration"]["options"]["awslogs-group"] = json!(group);
                                }
                            })
                        });
                    }
                />
            </label>
        </fieldset>
    }
}

/// Render a new image into a container; show the result, its diff, and offer it for download.
#[component]
fn RenderPanel(document: Memo<Option<Value>>) -> impl IntoView {
    let container = RwSignal::new(String::new());
    let image = RwSignal::new(String::new());
    let result: RwSignal<Option<Result<Value, String>>> = RwSignal::new(None);
    let names = Memo::new(move |_| {
        document.with(|d| {
            d.as_ref()
                .and_then(|td| td["containerDefinitions"].as_array().cloned())
                .unwrap_or_default()
                .iter()
                .filter_map(|c| c["name"].as_str().map(str::to_owned))
                .collect::<Vec<_>>()
        })
    });
    let run = move || {
        let Some(td) = document.get_untracked() else {
            result.set(Some(Err("fix the task definition's JSON first".to_owned())));
            return;
        };
        let name = container.get_untracked();
        let name = if name.is_empty() {
            names.get_untracked().first().cloned().unwrap_or_default()
        } else {
            name
        };
        let spec = render::Render {
            containers: vec![render::ContainerChange {
                name,
                image: Some(image.get_untracked()),
                ..Default::default()
            }],
            ..Default::default()
        };
        result.set(Some(render::render(&td, &spec).map_err(|e| e.to_string())));
    };
    view! {
        <section class="card render" aria-labelledby="render-heading">
            <h2 id="render-heading">"Render a new image"</h2>
            <div class="row">
                <label>
                    "Container"
                    <select name="render-container" on:change:target=move |ev| container.set(ev.target().value())>
                        {move || names.get().into_iter().map(|n| view! { <option value=n.clone()>{n.clone()}</option> }).collect_view()}
                    </select>
                </label>
                <label class="grow">
                    "Image"
                    <input name="render-image" placeholder="123456789012.dkr.ecr.eu-west-1.amazonaws.com/web:SHA" prop:value=move || image.get() on:input:target=move |ev| image.set(ev.target().value()) />
                </label>
            </div>
            <button type="button" class="primary" on:click=move |_| run()>"Render"</button>
            {move || match result.get() {
                None => ().into_any(),
                Some(Err(e)) => view! { <p class="error" role="alert">{e}</p> }.into_any(),
                Some(Ok(rendered)) => {
                    let text = pretty(&rendered);
                    let changes: Vec<String> = document.get().map(|old| diff::diff(&old, &rendered).iter().map(ToString::to_string).collect()).unwrap_or_default();
                    let image_definitions = pretty(&render::image_definitions(&rendered));
                    let (t1, t2, d1) = (text.clone(), text.clone(), image_definitions.clone());
                    view! {
                        <h3>"Changes"</h3>
                        <ul class="diff">
                            {if changes.is_empty() { vec![view! { <li>"No change."</li> }.into_any()] } else { changes.into_iter().map(|c| view! { <li><code>{c}</code></li> }.into_any()).collect() }}
                        </ul>
                        <h3>"Rendered task definition"</h3>
                        <pre class="output" data-output="rendered" tabindex="0" role="region" aria-label="Rendered task definition">{text}</pre>
                        <div class="row buttons">
                            <button type="button" on:click=move |_| copy_to_clipboard(&t1)>"Copy"</button>
                            <button type="button" on:click=move |_| download("task-definition.json", &t2, "application/json")>"Download"</button>
                            <button type="button" on:click=move |_| download("imagedefinitions.json", &d1, "application/json")>"Download imagedefinitions.json"</button>
                        </div>
                    }
                        .into_any()
                }
            }}
        </section>
    }
}
