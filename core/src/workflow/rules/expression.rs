//! `expression`: every `${{ }}` (and bare `if:` condition) parses: closed braces, single-quoted
//! strings, known functions called with the right number of arguments, operators GitHub has.

use crate::finding::Finding;
use crate::workflow::Workflow;

pub(crate) const ID: &str = "expression";

pub(crate) fn check(wf: &Workflow<'_>, out: &mut Vec<Finding>) {
    for e in &wf.expressions {
        if let Err(error) = &e.parsed {
            out.push(e.error(
                ID,
                error.offset,
                format!("invalid expression: {}", error.message),
            ));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::workflow::rules::findings;

    #[test]
    fn reports_each_broken_expression_where_it_breaks() {
        let yaml = "on: push\njobs:\n  a:\n    if: github.ref = 'main'\n    runs-on: x\n    steps:\n      - run: echo ${{ contains(github.ref) }} ${{ github.sha }}\n      - run: echo ${{ github.sha\n";
        let found = findings(super::check, yaml);
        assert_eq!(
            found,
            [
                "4:20 jobs.a.if: invalid expression: unexpected character `=` in an expression: compare with `==`",
                "7:23 jobs.a.steps[0].run: invalid expression: `contains` takes 2 arguments, not 1",
                "8:19 jobs.a.steps[1].run: invalid expression: `${{` is not closed: expected `}}` after the expression",
            ]
        );
    }

    #[test]
    fn valid_expressions_pass() {
        let yaml = "on: push\njobs:\n  a:\n    if: ${{ !cancelled() && (github.event_name == 'push' || contains(github.ref, 'v')) }}\n    runs-on: x\n    steps:\n      - run: echo '${{ format('{0}}}', github.sha) }}'\n";
        assert_eq!(findings(super::check, yaml), Vec::<String>::new());
    }
}
