//! ECS task definitions: the model, import (read-only fields stripped), validation rules, render, diff and imagedefinitions.json.
//!
//! Not filled in yet: this module marks where that domain lives.
