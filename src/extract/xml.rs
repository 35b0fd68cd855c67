//! A small DOM over quick-xml for the office readers: element names and attribute keys are
//! kept as local names (namespace prefixes dropped), which is what DOCX/ODT walkers need and
//! makes odd prefixes (`ns0:p`) harmless. Nesting depth is limited.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};

use crate::error::{Error, Result};

#[derive(Debug, Default, Clone)]
pub struct Element {
    pub name: String,
    pub attrs: Vec<(String, String)>,
    pub children: Vec<Node>,
}

#[derive(Debug, Clone)]
pub enum Node {
    Element(Element),
    Text(String),
}

impl Element {
    /// Attribute value by local name.
    pub fn attr(&self, local: &str) -> Option<&str> {
        self.attrs
            .iter()
            .find(|(k, _)| k == local)
            .map(|(_, v)| v.as_str())
    }

    /// Child elements in order.
    pub fn elements(&self) -> impl Iterator<Item = &Element> {
        self.children.iter().filter_map(|n| match n {
            Node::Element(e) => Some(e),
            Node::Text(_) => None,
        })
    }

    /// First child element with this local name.
    pub fn child(&self, name: &str) -> Option<&Element> {
        self.elements().find(|e| e.name == name)
    }

    /// First descendant (depth-first, including self's children) with this local name.
    pub fn find(&self, name: &str) -> Option<&Element> {
        for e in self.elements() {
            if e.name == name {
                return Some(e);
            }
            if let Some(found) = e.find(name) {
                return Some(found);
            }
        }
        None
    }

    /// All text below this element, concatenated.
    pub fn text(&self) -> String {
        let mut out = String::new();
        self.collect_text(&mut out);
        out
    }

    fn collect_text(&self, out: &mut String) {
        for n in &self.children {
            match n {
                Node::Text(t) => out.push_str(t),
                Node::Element(e) => e.collect_text(out),
            }
        }
    }
}

/// Decode XML bytes to a string: UTF-8 (BOM stripped) or UTF-16 with a BOM.
pub fn decode(bytes: &[u8]) -> Cow<'_, str> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(bytes.get(bom_len..).unwrap_or_default());
        return text;
    }
    String::from_utf8_lossy(bytes)
}

/// Parse a whole XML document into its root element. Malformed XML is `Corrupt`; nesting
/// deeper than `max_depth` is `TooLarge`.
pub fn parse(bytes: &[u8], max_depth: usize) -> Result<Element> {
    parse_skipping(bytes, max_depth, &[])
}

/// Like `parse`, but elements named in `skip` (local names) are dropped with their content
/// without building nodes: formatting noise is most of a large DOCX body.
pub fn parse_skipping(bytes: &[u8], max_depth: usize, skip: &[&str]) -> Result<Element> {
    let text = decode(bytes);
    let mut reader = quick_xml::Reader::from_str(&text);
    // Stack of open elements; index 0 is a synthetic holder of the root.
    let mut stack: Vec<Element> = vec![Element::default()];
    loop {
        let event = reader
            .read_event()
            .map_err(|e| Error::Corrupt(format!("ошибка XML: {e}")))?;
        match event {
            Event::Start(start) if skip.contains(&local(start.name().as_ref())) => {
                reader
                    .read_to_end(start.name())
                    .map_err(|e| Error::Corrupt(format!("ошибка XML: {e}")))?;
            }
            Event::Empty(start) if skip.contains(&local(start.name().as_ref())) => {}
            Event::Start(start) => {
                if stack.len() > max_depth {
                    return Err(Error::TooLarge(format!(
                        "вложенность XML больше {max_depth} уровней"
                    )));
                }
                stack.push(element_from(&start));
            }
            Event::Empty(start) => {
                let el = element_from(&start);
                if let Some(parent) = stack.last_mut() {
                    parent.children.push(Node::Element(el));
                }
            }
            Event::End(_) => {
                if stack.len() > 1
                    && let Some(el) = stack.pop()
                    && let Some(parent) = stack.last_mut()
                {
                    parent.children.push(Node::Element(el));
                }
            }
            Event::Text(t) => push_text(&mut stack, &t.xml10_content()),
            Event::CData(c) => {
                push_text(&mut stack, c.as_ref());
            }
            Event::GeneralRef(r) => {
                let resolved = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    _ => match r.as_ref() {
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "amp" => Some('&'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                };
                if let Some(c) = resolved {
                    push_text(&mut stack, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    // Unclosed elements (truncated XML): close them so what was read is not lost.
    while stack.len() > 1 {
        if let Some(el) = stack.pop()
            && let Some(parent) = stack.last_mut()
        {
            parent.children.push(Node::Element(el));
        }
    }
    stack
        .pop()
        .and_then(|holder| holder.elements().next().cloned())
        .ok_or_else(|| Error::Corrupt("пустой XML".into()))
}

fn push_text(stack: &mut [Element], s: &str) {
    if s.is_empty() {
        return;
    }
    if let Some(parent) = stack.last_mut() {
        if let Some(Node::Text(prev)) = parent.children.last_mut() {
            prev.push_str(s);
        } else {
            parent.children.push(Node::Text(s.to_string()));
        }
    }
}

fn element_from(start: &BytesStart<'_>) -> Element {
    let name = local(start.name().as_ref()).to_string();
    let attrs = start
        .attributes()
        .with_checks(false)
        .filter_map(|a| a.ok())
        // Revision ids are on nearly every element and never read.
        .filter(|a| !local(a.key.as_ref()).starts_with("rsid"))
        .map(|a| {
            let key = local(a.key.as_ref()).to_string();
            let value = a
                .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .map(|v| v.into_owned())
                .unwrap_or_else(|_| a.value.to_string());
            (key, value)
        })
        .collect();
    Element {
        name,
        attrs,
        children: Vec::new(),
    }
}

fn local(qname: &str) -> &str {
    match qname.rfind(':') {
        Some(i) => qname.get(i + 1..).unwrap_or_default(),
        None => qname,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_local_names_entities_and_limits_depth() {
        let xml = r#"<?xml version="1.0"?><w:document xmlns:w="x"><w:p w:val="a&amp;b"><w:t>Цель &amp; задачи&#x20;&#1105;</w:t></w:p></w:document>"#;
        let root = parse(xml.as_bytes(), 10).unwrap();
        assert_eq!(root.name, "document");
        let p = root.child("p").unwrap();
        assert_eq!(p.attr("val"), Some("a&b"));
        assert_eq!(root.text(), "Цель & задачи ё");
        let deep = "<a>".repeat(20) + &"</a>".repeat(20);
        assert_eq!(parse(deep.as_bytes(), 10).unwrap_err().code(), "too_large");
        assert!(parse(deep.as_bytes(), 30).is_ok());
        assert_eq!(parse(b"<a><b></a>", 10).unwrap_err().code(), "corrupt");
    }
}
