//! The layout `tofu fmt` gives HCL, applied to what hcl-rs writes: hcl-rs indents and spaces
//! like `tofu fmt` but does not align the `=` of consecutive attributes, so committed modules
//! would fail `tofu fmt -check`. The rule (observed from `tofu fmt`): consecutive lines that
//! each hold a whole `name = value` attribute form a group whose `=` signs line up; a line that
//! opens a multi-line value, or any other line, ends the group.

/// Aligns the `=` of consecutive single-line attributes, and spaces object `for` expressions
/// (`{ for k, v in m : k => v }`) as `tofu fmt` does; hcl-rs writes them `{for … v}`.
pub fn align_attributes(text: &str) -> String {
    let text = space_object_for(text);
    let lines: Vec<&str> = text.lines().collect();
    let mut out: Vec<String> = Vec::with_capacity(lines.len());
    let mut group: Vec<(usize, usize)> = Vec::new(); // (line index, key end column)
    let flush = |group: &mut Vec<(usize, usize)>, out: &mut Vec<String>| {
        let width = group.iter().map(|(_, w)| *w).max().unwrap_or(0);
        for (i, key_end) in group.drain(..) {
            let line = out[i].clone();
            let (key, rest) = line.split_at(key_end);
            let value = rest.trim_start().trim_start_matches('=').trim_start();
            out[i] = format!("{key}{} = {value}", " ".repeat(width - key_end));
        }
    };
    for line in lines {
        let index = out.len();
        out.push(line.trim_end().to_owned());
        match single_line_attribute(line) {
            Some(key_end) => group.push((index, key_end)),
            None => flush(&mut group, &mut out),
        }
    }
    flush(&mut group, &mut out);
    let mut text = out.join("\n");
    text.push('\n');
    text
}

/// `{for … }` → `{ for … }`, outside string literals.
fn space_object_for(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len() + 16);
    // For each open brace: whether it opened an object `for` expression.
    let mut braces: Vec<bool> = Vec::new();
    let mut in_string = false;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if in_string {
            out.push(c);
            if c == '\\' {
                if let Some(next) = chars.get(i + 1) {
                    out.push(*next);
                    i += 1;
                }
            } else if c == '"' {
                in_string = false;
            }
            i += 1;
            continue;
        }
        match c {
            '"' => {
                in_string = true;
                out.push(c);
            }
            '{' => {
                let opens_for = chars[i + 1..].starts_with(&['f', 'o', 'r', ' ']);
                braces.push(opens_for);
                out.push('{');
                if opens_for {
                    out.push(' ');
                }
            }
            '}' => {
                if braces.pop() == Some(true) && !out.ends_with(' ') {
                    out.push(' ');
                }
                out.push('}');
            }
            _ => out.push(c),
        }
        i += 1;
    }
    out
}

/// Where the key of a `key = value` line ends, when the whole value is on the line.
fn single_line_attribute(line: &str) -> Option<usize> {
    let indent = line.len() - line.trim_start().len();
    let rest = &line[indent..];
    let key_len = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.find('"')? + 2
    } else {
        rest.find(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-'))?
    };
    if key_len == 0 {
        return None;
    }
    let after = &rest[key_len..];
    let value = after.trim_start().strip_prefix('=')?;
    if value.starts_with('=') || value.starts_with('>') {
        return None;
    }
    if value.trim_start().starts_with("<<") || !balanced(value) {
        return None;
    }
    Some(indent + key_len)
}

/// Whether the brackets outside string literals close on this line.
fn balanced(value: &str) -> bool {
    let mut depth = 0i64;
    let mut in_string = false;
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                '\\' => {
                    chars.next();
                }
                '"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match c {
            '"' => in_string = true,
            '{' | '[' | '(' => depth += 1,
            '}' | ']' | ')' => depth -= 1,
            _ => {}
        }
    }
    depth == 0 && !in_string
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_runs_of_single_line_attributes_only() {
        let input = "resource \"x\" \"y\" {\n  name = \"x\"\n  instance_type = \"t\"\n  tags = {\n    Name = \"y\"\n    LongerName = \"z\"\n  }\n  after = 1\n  o = { \"k\" = 1 }\n  \"max-buffer-size\" = \"25m\"\n}\n";
        let expected = "resource \"x\" \"y\" {\n  name          = \"x\"\n  instance_type = \"t\"\n  tags = {\n    Name       = \"y\"\n    LongerName = \"z\"\n  }\n  after             = 1\n  o                 = { \"k\" = 1 }\n  \"max-buffer-size\" = \"25m\"\n}\n";
        assert_eq!(align_attributes(input), expected);
    }

    #[test]
    fn object_for_expressions_are_spaced() {
        assert_eq!(
            space_object_for("x = {for k, v in { a = \"}\" } : k => v if v != null}\n"),
            "x = { for k, v in { a = \"}\" } : k => v if v != null }\n"
        );
    }

    #[test]
    fn comparisons_and_strings_with_brackets_are_not_attributes_or_openers() {
        assert_eq!(single_line_attribute("  a == b"), None);
        assert_eq!(single_line_attribute("  a = \"{\""), Some(3));
        assert_eq!(single_line_attribute("  a = [for x in y : x"), None);
    }
}
