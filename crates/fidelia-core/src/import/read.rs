//! Reading a CSV export as Excel writes it: the encoding (UTF-8 with or without BOM, or
//! Windows-1252), the separator (`;`, `,` or tab), and the records one at a time with the
//! physical line each starts on. Decoding is streamed (`encoding_rs`), parsing is the `csv`
//! crate's, so memory stays flat however long the file is.

use std::io::{self, Read};

use serde::{Deserialize, Serialize};

/// The text encoding of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Encoding {
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-8 starting with a byte-order mark (Excel's "CSV UTF-8").
    #[serde(rename = "utf-8-bom")]
    Utf8Bom,
    /// Excel's plain "CSV" on a Spanish Windows PC.
    #[serde(rename = "windows-1252")]
    Windows1252,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Windows1252 => "windows-1252",
        }
    }
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-8-bom" | "utf8-bom" | "utf-8 bom" => Some(Encoding::Utf8Bom),
            "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" | "ansi" => {
                Some(Encoding::Windows1252)
            }
            _ => None,
        }
    }
    fn decoder(self) -> encoding_rs::Decoder {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom => encoding_rs::UTF_8.new_decoder_with_bom_removal(),
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
        }
    }
}

/// Finds a file's encoding by reading it through once (in chunks, nothing kept): a UTF-8 BOM
/// says UTF-8; otherwise a file that is valid UTF-8 throughout is UTF-8, and anything else is
/// Windows-1252 (every byte sequence is valid Windows-1252).
pub fn detect_encoding(mut r: impl Read) -> io::Result<Encoding> {
    let mut buf = vec![0u8; 64 * 1024];
    let mut carry: Vec<u8> = Vec::new();
    let mut first = true;
    let mut bom = false;
    loop {
        let n = read_full(&mut r, &mut buf)?;
        let mut chunk = std::mem::take(&mut carry);
        chunk.extend_from_slice(&buf[..n]);
        if first {
            first = false;
            if chunk.starts_with(&[0xEF, 0xBB, 0xBF]) {
                bom = true;
            }
        }
        match std::str::from_utf8(&chunk) {
            Ok(_) => {}
            // An incomplete sequence at the end of a chunk continues in the next one.
            Err(e) if e.error_len().is_none() && n > 0 => carry = chunk[e.valid_up_to()..].to_vec(),
            Err(_) => return Ok(Encoding::Windows1252),
        }
        if n == 0 {
            return Ok(if bom {
                Encoding::Utf8Bom
            } else {
                Encoding::Utf8
            });
        }
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// A reader that decodes `inner` from `encoding` into UTF-8 as it is read.
pub struct DecodingReader<R> {
    inner: R,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    done: bool,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        DecodingReader {
            inner,
            decoder: encoding.decoder(),
            input: vec![0; 32 * 1024],
            in_start: 0,
            in_end: 0,
            eof: false,
            output: vec![0; 3 * 32 * 1024 + 16],
            out_start: 0,
            out_end: 0,
            done: false,
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        loop {
            if self.out_start < self.out_end {
                let n = buf.len().min(self.out_end - self.out_start);
                buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
                self.out_start += n;
                return Ok(n);
            }
            if self.done {
                return Ok(0);
            }
            if self.in_start == self.in_end && !self.eof {
                let n = self.inner.read(&mut self.input)?;
                self.in_start = 0;
                self.in_end = n;
                self.eof = n == 0;
            }
            let (res, read, written, _) = self.decoder.decode_to_utf8(
                &self.input[self.in_start..self.in_end],
                &mut self.output,
                self.eof,
            );
            self.in_start += read;
            self.out_start = 0;
            self.out_end = written;
            if self.eof && res == encoding_rs::CoderResult::InputEmpty {
                self.done = true;
            }
        }
    }
}

/// Guesses the separator from the header line: the most frequent of `;`, tab and `,` outside
/// quotes (ties go to `;`, then tab: Spanish Excel writes `;`).
pub fn detect_separator(header_line: &str) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for c in header_line.chars() {
        match c {
            '"' => quoted = !quoted,
            ';' if !quoted => counts[0] += 1,
            '\t' if !quoted => counts[1] += 1,
            ',' if !quoted => counts[2] += 1,
            '\n' if !quoted => break,
            _ => {}
        }
    }
    let seps = [b';', b'\t', b','];
    let best = (0..3).fold(0, |b, i| if counts[i] > counts[b] { i } else { b });
    if counts[best] == 0 {
        b';'
    } else {
        seps[best]
    }
}

/// The first line of a file (decoded, up to 64 KiB read), to find the separator. The 64 KiB
/// cut may split a character: what decoded before it is kept (`read_to_string` would keep
/// nothing, and a comma file would then look like a `;` one).
pub fn first_line(r: impl Read, encoding: Encoding) -> io::Result<String> {
    let mut bytes = Vec::new();
    DecodingReader::new(r, encoding)
        .take(64 * 1024)
        .read_to_end(&mut bytes)?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        // The decoder writes UTF-8: only the cut can be invalid.
        Err(e) => std::str::from_utf8(&bytes[..e.valid_up_to()]).unwrap_or(""),
    };
    let end = text.find('\n').unwrap_or(text.len());
    Ok(text[..end].trim_end_matches('\r').to_owned())
}

/// A CSV reader over a decoded file: flexible (rows with too many or too few fields are
/// returned, the caller reports them), no header handling (the header is record 1, line 1).
pub fn csv_reader<R: Read>(
    r: R,
    encoding: Encoding,
    separator: u8,
) -> csv::Reader<DecodingReader<R>> {
    // Only `\n` ends a record, so that a record's position counts the lines before it exactly
    // (with CRLF as terminator the `\n` would be counted with the next record); the `\r` that
    // stays at the end of the last field is trimmed with the other spaces.
    csv::ReaderBuilder::new()
        .delimiter(separator)
        .terminator(csv::Terminator::Any(b'\n'))
        .flexible(true)
        .has_headers(false)
        .from_reader(DecodingReader::new(r, encoding))
}

/// The physical line a record starts on (the header is line 1), counting the line breaks
/// inside quoted fields.
pub fn record_line(rec: &csv::StringRecord) -> u64 {
    rec.position().map_or(0, |p| p.line())
}

/// True for a record whose every field is empty (Excel writes `;;;;` for blank rows).
pub fn is_blank(rec: &csv::StringRecord) -> bool {
    rec.iter().all(|f| f.trim().is_empty())
}

#[cfg(test)]
mod tests {
    /// A comma file whose first line is longer than 64 KiB and is cut in the middle of an
    /// "ñ": the part before the cut still says ",".
    #[test]
    fn a_first_line_cut_inside_a_character_still_finds_the_comma() {
        let mut line = String::from("Nombre,Apellidos,");
        while line.len() < 64 * 1024 - 1 {
            line.push('x');
        }
        line.truncate(64 * 1024 - 1);
        line.push_str("ñ,otra\nAna,Núñez,1\n");
        let first = first_line(line.as_bytes(), Encoding::Utf8).unwrap();
        assert!(first.starts_with("Nombre,Apellidos,"), "kept what decoded");
        assert_eq!(detect_separator(&first), b',');
    }

    use super::*;

    #[test]
    fn encodings_are_told_apart() {
        assert_eq!(
            detect_encoding("Núñez;Peña".as_bytes()).unwrap(),
            Encoding::Utf8
        );
        assert_eq!(
            detect_encoding(&b"\xEF\xBB\xBFN\xC3\xBA\xC3\xB1ez"[..]).unwrap(),
            Encoding::Utf8Bom
        );
        assert_eq!(
            detect_encoding(&b"N\xFA\xF1ez"[..]).unwrap(),
            Encoding::Windows1252
        );
        // A two-byte character split across the 64 KiB chunk boundary is still UTF-8.
        let mut big = vec![b'a'; 64 * 1024 - 1];
        big.extend_from_slice("ñ".as_bytes());
        assert_eq!(detect_encoding(&big[..]).unwrap(), Encoding::Utf8);
    }

    #[test]
    fn decoding_streams_windows_1252_and_drops_the_bom() {
        let mut s = String::new();
        DecodingReader::new(&b"Ib\xE1\xF1ez \x80"[..], Encoding::Windows1252)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "Ibáñez €");
        let mut s = String::new();
        DecodingReader::new(&b"\xEF\xBB\xBFa;b"[..], Encoding::Utf8Bom)
            .read_to_string(&mut s)
            .unwrap();
        assert_eq!(s, "a;b");
    }

    #[test]
    fn record_lines_are_physical_lines() {
        let mut r = csv_reader(&b"a;b\r\n1;\"x\r\ny\"\r\n2;z\r\n"[..], Encoding::Utf8, b';');
        let mut rec = csv::StringRecord::new();
        let mut lines = Vec::new();
        let mut last = String::new();
        while r.read_record(&mut rec).unwrap() {
            lines.push(record_line(&rec));
            last = rec[1].to_owned();
        }
        assert_eq!(lines, [1, 2, 4]);
        assert_eq!(last, "z\r", "the CR stays, for the caller's trim");
    }

    #[test]
    fn separators_are_found_outside_quotes() {
        assert_eq!(
            detect_separator("Nombre;Apellidos;\"Dirección, piso\""),
            b';'
        );
        assert_eq!(detect_separator("name,surname,phone"), b',');
        assert_eq!(detect_separator("name\tsurname\tphone"), b'\t');
        assert_eq!(detect_separator("\"a;b\",c,d"), b',');
    }
}
