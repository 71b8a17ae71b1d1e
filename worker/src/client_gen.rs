//! The npm client's operations, generated from the endpoint table:
//! `pkg/src/operations.js` (method, path, body, list resource per client
//! method) and `pkg/src/operations.d.ts` (their TypeScript signatures, with
//! the request body and response names of the row). The test fails when the
//! checked-in files differ from the table; `UPDATE=1 cargo test -p
//! mdm-worker client_operations` rewrites them.

use std::fmt::Write;

use crate::endpoint::{Endpoint, ParamKind, QueryKind, Success};
use crate::table::ENDPOINTS;

const HEADER: &str =
    "// Generated from worker/src/table.rs by `UPDATE=1 cargo test -p mdm-worker client_operations`.\n\
// Do not edit: add a row (with `.client(\"name\")`) to the endpoint table instead.\n";

/// `{organizationId}` style, as the document and the client write paths.
fn template(path: &str) -> String {
    path.split('/')
        .map(|seg| match seg.strip_prefix(':') {
            Some(name) => format!("{{{name}}}"),
            None => seg.to_string(),
        })
        .collect::<Vec<_>>()
        .join("/")
}

/// Path parameters the caller passes (the organization comes from the client).
fn ids(e: &Endpoint) -> Vec<&'static str> {
    e.params()
        .filter(|p| ParamKind::of(p) != ParamKind::Organization)
        .collect()
}

fn rows() -> impl Iterator<Item = (&'static str, &'static Endpoint)> {
    ENDPOINTS.iter().filter_map(|e| e.client.map(|name| (name, e)))
}

fn javascript() -> String {
    let mut out = String::from(HEADER);
    out.push_str(
        "\n/** Client method -> the operation it calls: method, path template, body name, list resource. */\n\
         export const OPERATIONS = {\n",
    );
    for (name, e) in rows() {
        let body = e.body.map_or("null".into(), |b| format!("\"{b}\""));
        let list = match e.query {
            QueryKind::List(spec) => format!("\"{}\"", spec.name),
            _ => "null".into(),
        };
        let _ = writeln!(
            out,
            "  {name}: {{ method: \"{}\", path: \"{}\", body: {body}, list: {list} }},",
            e.method,
            template(e.path)
        );
    }
    out.push_str("};\n");
    out
}

fn typescript() -> String {
    let mut types: Vec<&str> = vec!["ListParams", "Page"];
    let mut methods = String::new();
    for (name, e) in rows() {
        let mut args: Vec<String> = ids(e).iter().map(|id| format!("{id}: string")).collect();
        if let QueryKind::List(spec) = e.query {
            args.push(format!("params?: ListParams[\"{}\"]", spec.name));
        }
        if let Some(body) = e.body {
            args.push(format!("body: {body}"));
            types.push(body);
        }
        args.push("options?: CallOptions".into());
        let returns = match e.success {
            Success::Envelope(model) | Success::Raw(model) => {
                types.push(model);
                model.to_string()
            }
            Success::Page(model) => {
                types.push(model);
                format!("Page<{model}>")
            }
            _ => "unknown".into(),
        };
        let _ = writeln!(
            methods,
            "  /** `{} {}` ({}). */\n  {name}({}): Promise<{returns}>;",
            e.method,
            e.path,
            e.summary,
            args.join(", ")
        );
    }
    types.sort_unstable();
    types.dedup();
    let mut out = String::from(HEADER);
    let _ = writeln!(
        out,
        "\nimport type {{ {} }} from \"../dist/mdm_wasm.js\";",
        types.join(", ")
    );
    out.push_str("import type { CallOptions } from \"./client.js\";\n\n");
    out.push_str("/** One method per operation of the endpoint table that the client offers. */\n");
    out.push_str("export interface Operations {\n");
    out.push_str(&methods);
    out.push_str("}\n");
    out
}

#[test]
fn client_operations_match_the_table() {
    for (file, want) in [("operations.js", javascript()), ("operations.d.ts", typescript())] {
        crate::checked_in::assert_generated(&format!("../pkg/src/{file}"), &want, "client_operations");
    }
}

#[test]
fn client_method_names_are_unique() {
    let names: Vec<&str> = rows().map(|(n, _)| n).collect();
    for (i, n) in names.iter().enumerate() {
        assert!(!names[i + 1..].contains(n), "client method {n} twice");
    }
}
