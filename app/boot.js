// Starts the app. A file of its own, not an inline script: the content security policy allows
// scripts from the worker itself only.
import init from "./pkg/hatoba.js";
await init({ module_or_path: "./pkg/hatoba_bg.wasm" });
