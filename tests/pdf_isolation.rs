//! Crash isolation: hostile PDFs are parsed in the worker process; a crash there (here: an
//! out-of-memory abort under the worker's RLIMIT_AS) becomes `corrupt` for that file, the
//! calling process carries on, and the next file is served by a fresh worker. Deeply nested
//! structures give a result or a coded error, never a crash of the caller.

use std::path::PathBuf;

use lopdf::{Object, Stream, dictionary};
use shnor::extract::{Options, extract_bytes};

fn worker_opts() -> Options {
    Options {
        pdf_worker: Some(PathBuf::from(env!("CARGO_BIN_EXE_shnor"))),
        ..Options::default()
    }
}

/// A one-page PDF whose page content is `content` (Flate-compressed).
fn pdf_with_content(content: Vec<u8>) -> Vec<u8> {
    let mut doc = lopdf::Document::with_version("1.5");
    let font = doc.add_object(dictionary! {
        "Type" => "Font", "Subtype" => "Type1", "BaseFont" => "Helvetica",
    });
    let mut stream = Stream::new(dictionary! {}, content);
    stream.compress().expect("compress");
    let contents = doc.add_object(stream);
    let pages_id = doc.new_object_id();
    let page = doc.add_object(dictionary! {
        "Type" => "Page", "Parent" => pages_id, "Contents" => contents,
        "MediaBox" => vec![0.into(), 0.into(), 612.into(), 792.into()],
        "Resources" => dictionary! { "Font" => dictionary! { "F1" => font } },
    });
    doc.objects.insert(
        pages_id,
        Object::Dictionary(
            dictionary! { "Type" => "Pages", "Kids" => vec![page.into()], "Count" => 1 },
        ),
    );
    let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
    doc.trailer.set("Root", catalog);
    let mut out = Vec::new();
    doc.save_to(&mut out).expect("save");
    out
}

/// Hand-written PDF from object bodies (1-based ids, object 1 is the catalog).
fn raw_pdf(objects: &[Vec<u8>]) -> Vec<u8> {
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
        out.extend_from_slice(body);
        out.extend_from_slice(b"\nendobj\n");
    }
    let xref = out.len();
    out.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        out.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

fn good_pdf() -> Vec<u8> {
    pdf_with_content(b"BT /F1 12 Tf 72 700 Td (Hello world) Tj ET".to_vec())
}

#[test]
fn out_of_memory_in_worker_is_corrupt_and_caller_survives() {
    // 320 MB of spaces compress to well under a megabyte; decompressing them cannot fit in
    // a worker capped at 160 MB of address space, so the child aborts.
    let bomb = pdf_with_content(vec![b' '; 320 * 1024 * 1024]);
    assert!(bomb.len() < 4 * 1024 * 1024);
    let mut opts = worker_opts();
    opts.limits.max_stream_bytes = 4 * 1024 * 1024 * 1024;
    opts.limits.max_worker_memory_bytes = 160 * 1024 * 1024;
    let err = extract_bytes("bomb.pdf", &bomb, &opts).expect_err("bomb must fail");
    assert_eq!(err.code(), "corrupt", "{err}");
    assert!(
        err.message_ru().contains("аварийно"),
        "{}",
        err.message_ru()
    );

    // Same thread, next file: a fresh worker serves it.
    let doc = extract_bytes("good.pdf", &good_pdf(), &opts).expect("good file after crash");
    assert_eq!(doc.text(), "Hello world");
}

#[test]
fn decompression_limit_gives_too_large() {
    let bomb = pdf_with_content(vec![b' '; 80 * 1024 * 1024]);
    let err = extract_bytes("bomb.pdf", &bomb, &worker_opts()).expect_err("over the stream limit");
    assert_eq!(err.code(), "too_large", "{err}");
}

#[test]
fn deep_nesting_gives_a_result_not_a_crash() {
    let n = 200_000;
    // A page tree 100 000 levels deep.
    let mut objects = vec![b"<< /Type /Catalog /Pages 2 0 R >>".to_vec()];
    let depth = 100_000;
    for i in 0..depth {
        objects.push(format!("<< /Type /Pages /Kids [{} 0 R] /Count 1 >>", i + 3).into_bytes());
    }
    objects.push(b"<< /Type /Page /MediaBox [0 0 612 792] >>".to_vec());
    let deep_tree = raw_pdf(&objects);
    // Arrays nested 200 000 deep inside the content stream and inside the page dictionary.
    let mut content = b"BT /F1 12 Tf 72 700 Td (Hi) Tj ET\n".to_vec();
    content.extend(std::iter::repeat_n(b'[', n));
    content.extend(std::iter::repeat_n(b']', n));
    content.extend_from_slice(b" TJ\n");
    let nested_content = pdf_with_content(content);
    let mut page = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /X ".to_vec();
    page.extend(std::iter::repeat_n(b'[', n));
    page.extend(std::iter::repeat_n(b']', n));
    page.extend_from_slice(b" >>");
    let nested_dict = raw_pdf(&[
        b"<< /Type /Catalog /Pages 2 0 R >>".to_vec(),
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_vec(),
        page,
    ]);
    let opts = worker_opts();
    for (name, bytes) in [
        ("deep_tree", deep_tree),
        ("nested_content", nested_content),
        ("nested_dict", nested_dict),
    ] {
        match extract_bytes(&format!("{name}.pdf"), &bytes, &opts) {
            Ok(doc) => println!("{name}: text {:?}", doc.text()),
            Err(e) => {
                println!("{name}: {}", e.code());
                assert!(
                    ["corrupt", "empty", "too_large"].contains(&e.code()),
                    "{name}: {e}"
                );
            }
        }
    }
    // The nested operand must not hide the text before it.
    let doc = extract_bytes("x.pdf", &good_pdf(), &opts).expect("worker still serves");
    assert_eq!(doc.text(), "Hello world");
}

#[test]
fn garbage_and_truncation_are_coded_errors() {
    let opts = worker_opts();
    let good = good_pdf();
    for (name, bytes) in [
        (
            "garbage",
            b"%PDF-1.7\n\x00\x01\x02 not a pdf at all".to_vec(),
        ),
        ("truncated", good[..good.len() / 3].to_vec()),
        ("empty", b"%PDF-".to_vec()),
    ] {
        let e = extract_bytes(&format!("{name}.pdf"), &bytes, &opts).expect_err(name);
        assert!(["corrupt", "empty"].contains(&e.code()), "{name}: {e}");
    }
}
