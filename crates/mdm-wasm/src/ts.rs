//! TypeScript declarations generated from mdm-core's catalog: one interface per
//! request body and resource, the list-query parameter types per list endpoint,
//! and the pagination envelope. Nothing here is written by hand per type, so a
//! field added to a `Schema` constant shows up in the npm package's `.d.ts`.
//!
//! `build.rs` includes this file (with `specs.rs`) through `#[path]` and writes
//! the result to `$OUT_DIR/types.d.ts`, which `lib.rs` hands to wasm-bindgen as
//! a `typescript_custom_section`.

use crate::specs::LISTS;
use mdm_core::catalog::{Kind, ENTRIES};
use mdm_core::lifecycle::TokenStatus;
use mdm_core::model::schemas::PAGE_FIELDS;
use mdm_core::pagination::DEVICE_STATES;
use mdm_core::schema::{Field, Format, Schema, MAX_SAFE_INTEGER};
use std::fmt::Write;

/// The package's JavaScript functions over the wasm (pkg/src/validate.js,
/// pkg/src/qr.js): the validators, one per request body, and `qrSvg`.
fn functions() -> String {
    let mut out = String::new();
    out.push_str(
        "/**\n * Every violation of `body` against the request body called `name` (see\n \
         * `requestBodyNames()`); an empty array when the body is valid. `body` is\n \
         * read as `JSON.stringify` would send it.\n */\n\
         export function validate(name: RequestBodyName, body: unknown): Violation[];\n\
         /**\n * Like `validate`, for a JSON text (what a request would carry). Empty or\n \
         * malformed text gives the violation the server answers with.\n */\n\
         export function validateJson(name: RequestBodyName, text: string): Violation[];\n",
    );
    for e in ENTRIES.iter().filter(|e| e.kind == Kind::Request) {
        let _ = writeln!(
            out,
            "/** Every violation of `body` as a `{0}` (empty when valid). */\nexport function validate{0}(body: unknown): Violation[];",
            e.name
        );
    }
    out.push_str(
        "/**\n * An SVG document of `text` as a QR code (error correction `L`, `M`\n \
         * (default), `Q` or `H`; 4 modules of quiet zone; scales to its container).\n */\n\
         export function qrSvg(text: string, ec?: string | null): string;\n\n",
    );
    out
}

/// The whole generated declaration text.
pub fn declarations() -> String {
    let mut out = String::from("// Generated from mdm_core::catalog by crates/mdm-wasm/build.rs. Do not edit.\n\n");
    for entry in ENTRIES {
        let what = match entry.kind {
            Kind::Request => "Request body",
            Kind::Resource => "Resource",
        };
        let _ = writeln!(out, "/** {what} `{}`. */", entry.name);
        match entry.schema {
            Schema::Object(fields) => {
                let _ = writeln!(out, "export interface {} {}\n", entry.name, object(fields, 0));
            }
            other => {
                let _ = writeln!(out, "export type {} = {};\n", entry.name, ty(other, 0));
            }
        }
    }

    out.push_str("/** Every request body by name: the names `validate(name, body)` accepts. */\n");
    out.push_str("export interface RequestBodies {\n");
    for e in ENTRIES.iter().filter(|e| e.kind == Kind::Request) {
        let _ = writeln!(out, "  {0}: {0};", e.name);
    }
    out.push_str("}\nexport type RequestBodyName = keyof RequestBodies;\n\n");
    out.push_str(&functions());
    out.push_str("/** Every resource the API returns, by name. */\nexport interface Resources {\n");
    for e in ENTRIES.iter().filter(|e| e.kind == Kind::Resource) {
        let _ = writeln!(out, "  {0}: {0};", e.name);
    }
    out.push_str("}\nexport type ResourceName = keyof Resources;\n\n");

    out.push_str("export type ViolationCode = Violation[\"code\"];\n");
    let statuses = TokenStatus::ALL.map(TokenStatus::as_str);
    let _ = writeln!(out, "export type TokenStatus = {};", union(&statuses));
    let _ = writeln!(out, "export type DeviceState = {};\n", union(DEVICE_STATES));

    out.push_str(
        "/** A page of a list (mongoose-paginate-v2 semantics). */\nexport interface Page<T> {\n  items: T[];\n",
    );
    for f in PAGE_FIELDS {
        field(&mut out, f, 1);
    }
    out.push_str("}\n/** The counters of a page, as `pageMeta` computes them. */\n");
    out.push_str("export type PageMeta = Omit<Page<never>, \"items\">;\n\n");

    out.push_str("/** A sort expression: `field`, `field:asc` or `field:desc`. */\n");
    out.push_str("export type SortExpr<F extends string> = F | `${F}:asc` | `${F}:desc`;\n\n");
    out.push_str("/** Query parameters of every list endpoint, by resource name. */\nexport interface ListParams {\n");
    for spec in LISTS {
        let _ = writeln!(out, "  {}: {{", spec.name);
        out.push_str("    /** 1 or more; default 1. */\n    page?: number;\n");
        out.push_str("    /** 0 to 100; default 10; 0 returns only the counts. */\n    limit?: number;\n");
        let _ = writeln!(
            out,
            "    /** Default `{}:desc`. */\n    sort?: SortExpr<{}>;",
            mdm_core::pagination::default_sort(spec).field,
            union(spec.sort_fields)
        );
        if !spec.statuses.is_empty() {
            let s = union(spec.statuses);
            let _ = writeln!(
                out,
                "    /** Default: every status but DELETED. */\n    status?: {s} | Array<{s}>;"
            );
        }
        if spec.segmented {
            out.push_str("    segmentId?: number;\n    expandTo?: \"children\" | \"ancestors\";\n");
        }
        for f in spec.id_filters.iter().chain(spec.text_filters) {
            let _ = writeln!(out, "    {f}?: string;");
        }
        if spec.ranged {
            out.push_str("    /** RFC 3339, inclusive. */\n    from?: string;\n    /** RFC 3339, inclusive. */\n    to?: string;\n");
        }
        out.push_str("  };\n");
    }
    out.push_str("}\nexport type ListResource = keyof ListParams;\n\n");
    out.push_str(
        "/** A list query as the server reads it (defaults applied). */\n\
         export interface ListQuery {\n  page: number;\n  limit: number;\n  \
         sort: { field: string; direction: \"asc\" | \"desc\" };\n  \
         /** Empty for resources without a status. */\n  status: string[];\n  \
         segmentId?: number;\n  expandTo?: \"children\" | \"ancestors\";\n  \
         /** Id filters such as mdmUserId (lower-cased) and text filters such as action. */\n  filters: Record<string, string>;\n  \
         /** RFC 3339 bounds, as given (lists with from / to). */\n  from?: string;\n  to?: string;\n}\n\n",
    );
    out.push_str(
        "/** The result of `parseListQuery` / `tryBuildListQuery`. */\n\
         export type Checked<T> = { ok: true; value: T } | { ok: false; violations: Violation[] };\n\n",
    );
    out.push_str(
        "/** What the lifecycle helpers read from a token: an AOSP or Windows token as the API returns it, \
         or these facts directly. `expiresAt` is milliseconds or RFC 3339. */\n\
         export interface TokenLike {\n  status?: TokenStatus;\n  state?: TokenStatus;\n  perpetual?: boolean;\n  \
         expiresAt?: number | string | null;\n  expireAt?: string;\n  \
         summary?: { expirationTimestamp?: string | null };\n}\n\n",
    );
    out.push_str(
        "/** The DPC build a provisioning payload installs. */\n\
         export interface DpcBuildRef {\n  componentName: string;\n  downloadUrl: string;\n  signatureChecksum: string;\n}\n",
    );
    out
}

fn union(values: &[&str]) -> String {
    values.iter().map(|v| format!("{v:?}")).collect::<Vec<_>>().join(" | ")
}

fn indent(level: usize) -> String {
    "  ".repeat(level)
}

/// `{ ... }` for the fields of an object schema, at nesting `level`.
fn object(fields: &[Field], level: usize) -> String {
    let mut out = String::from("{\n");
    for f in fields {
        field(&mut out, f, level + 1);
    }
    out.push_str(&indent(level));
    out.push('}');
    out
}

fn field(out: &mut String, f: &Field, level: usize) {
    let pad = indent(level);
    let mut doc: Vec<String> = Vec::new();
    if !f.description.is_empty() {
        doc.push(f.description.replace("*/", "*\\/"));
    }
    if let Some(c) = constraints(&f.schema) {
        doc.push(c);
    }
    match doc.len() {
        0 => {}
        1 => {
            let _ = writeln!(out, "{pad}/** {} */", doc[0]);
        }
        _ => {
            let _ = writeln!(out, "{pad}/**");
            for line in &doc {
                let _ = writeln!(out, "{pad} * {line}");
            }
            let _ = writeln!(out, "{pad} */");
        }
    }
    let optional = if f.required { "" } else { "?" };
    let nullable = if f.nullable { " | null" } else { "" };
    let _ = writeln!(out, "{pad}{}{optional}: {}{nullable};", f.name, ty(&f.schema, level));
}

/// The TypeScript type of a schema.
fn ty(schema: &Schema, level: usize) -> String {
    match schema {
        Schema::String(rule) => match rule.one_of {
            Some(values) => union(values),
            None => "string".into(),
        },
        Schema::Integer(_) | Schema::Number(_) => "number".into(),
        Schema::Boolean => "boolean".into(),
        Schema::Array(rule) => format!("Array<{}>", ty(rule.items, level)),
        Schema::Object(fields) => object(fields, level),
        Schema::AnyObject => "Record<string, unknown>".into(),
    }
}

/// The rules of a schema that its TypeScript type cannot say, for the doc comment.
fn constraints(schema: &Schema) -> Option<String> {
    let range = |min: String, max: String| format!("from {min} to {max}");
    let bound = |n: i64| match n {
        MAX_SAFE_INTEGER => "Number.MAX_SAFE_INTEGER".to_owned(),
        n if n == -MAX_SAFE_INTEGER => "Number.MIN_SAFE_INTEGER".to_owned(),
        n => n.to_string(),
    };
    let text = match schema {
        Schema::String(rule) => {
            let mut parts = Vec::new();
            match (rule.min_length, rule.max_length) {
                (0, None) => {}
                (0, Some(max)) => parts.push(format!("At most {max} characters.")),
                (min, None) => parts.push(format!("At least {min} characters.")),
                (min, Some(max)) => parts.push(format!("{min} to {max} characters.")),
            }
            if let Some(p) = rule.pattern {
                parts.push(format!("Pattern `{}`.", p.regex()));
            }
            match rule.format {
                Some(Format::Email) => parts.push("An email address.".into()),
                Some(Format::HttpsUrl) => parts.push("An https:// URL.".into()),
                Some(Format::DateTime) => parts.push("An RFC 3339 timestamp.".into()),
                None => {}
            }
            parts.join(" ")
        }
        Schema::Integer(rule) => format!("An integer {}.", range(bound(rule.min), bound(rule.max))),
        Schema::Number(rule) => format!("A number {}.", range(rule.min.to_string(), rule.max.to_string())),
        Schema::Array(rule) => match rule.max_items {
            Some(max) => format!("At most {max} items."),
            None => String::new(),
        },
        _ => String::new(),
    };
    (!text.is_empty()).then_some(text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_catalog_entry_is_declared() {
        let d = declarations();
        for e in ENTRIES {
            assert!(
                d.contains(&format!("export interface {} {{", e.name)),
                "{} missing",
                e.name
            );
        }
        for spec in LISTS {
            assert!(d.contains(&format!("  {}: {{", spec.name)), "{} missing", spec.name);
        }
    }

    #[test]
    fn fields_carry_types_optionality_and_rules() {
        let d = declarations();
        let start = d.find("export interface AospEnrollmentTokenCreate {").unwrap();
        let body = &d[start..start + d[start..].find("\n}\n").unwrap()];
        assert!(body.contains("  managementMode?: \"DEVICE_OWNER\" | \"MANAGEMENT_MODE_UNSPECIFIED\";"));
        assert!(body.contains("  duration?: number;"));
        assert!(body.contains("An integer from 60 to 2592000."));
        assert!(body.contains("  tags?: Array<string>;"));
        assert!(body.contains("aosPolicyAssignments?: Array<{\n    /**\n     * The assigned AOSP policy.\n"));
        assert!(body.contains("    priority: number;"));
        let dev = &d[d.find("export interface AospDeviceUpdate {").unwrap()..];
        assert!(dev.contains("  mdmUserId?: string | null;"));
        assert!(d.contains("export type RequestBodyName = keyof RequestBodies;"));
        assert!(d.contains("status?: \"PENDING\" | \"PROCESSING\" | \"DONE\" | \"DELETED\" | \"EXPIRED\" | Array<"));
    }

    #[test]
    fn doc_comments_cannot_be_closed_early() {
        // A description containing `*/` would end the comment and break the file.
        let d = declarations();
        for line in d.lines().filter(|l| l.trim_start().starts_with("/**")) {
            assert_eq!(line.matches("*/").count(), usize::from(line.ends_with("*/")), "{line}");
        }
    }
}
