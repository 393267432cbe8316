//! GitHub Actions workflows: the model, parsing with source positions, validation rules and the deploy-workflow generator.
//!
//! Not filled in yet: this module marks where that domain lives.
