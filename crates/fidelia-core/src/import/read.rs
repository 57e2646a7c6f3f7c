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
    /// UTF-8, but for some lines that are not (rows appended by another program, or a
    /// stray byte): each line is read as UTF-8 where it is valid and as Windows-1252 where it
    /// is not, so one bad byte does not garble every accent of the file.
    #[serde(rename = "utf-8-mixed")]
    Mixed,
}

impl Encoding {
    pub fn as_str(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf8Bom => "utf-8-bom",
            Encoding::Windows1252 => "windows-1252",
            Encoding::Mixed => "utf-8-mixed",
        }
    }
    pub fn parse(s: &str) -> Option<Encoding> {
        match s.trim().to_ascii_lowercase().as_str() {
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "utf-8-bom" | "utf8-bom" | "utf-8 bom" => Some(Encoding::Utf8Bom),
            "windows-1252" | "cp1252" | "latin1" | "iso-8859-1" | "ansi" => {
                Some(Encoding::Windows1252)
            }
            "utf-8-mixed" | "mixed" => Some(Encoding::Mixed),
            _ => None,
        }
    }
    fn decoder(self) -> encoding_rs::Decoder {
        match self {
            Encoding::Utf8 | Encoding::Utf8Bom | Encoding::Mixed => {
                encoding_rs::UTF_8.new_decoder_with_bom_removal()
            }
            Encoding::Windows1252 => encoding_rs::WINDOWS_1252.new_decoder_without_bom_handling(),
        }
    }
}

/// What reading a file through once says of its encoding.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct EncodingScan {
    pub bom: bool,
    /// Lines with a valid UTF-8 character beyond ASCII.
    pub utf8_lines: u64,
    /// Lines that are not valid UTF-8: how many, and the first few (1-based).
    pub invalid_lines: u64,
    pub first_invalid: Vec<u64>,
}

impl EncodingScan {
    /// How many invalid lines are named.
    pub const NAMED: usize = 10;

    /// UTF-8 (with its BOM or not) when every line is; Windows-1252 when no line has a UTF-8
    /// character (a legacy file); otherwise UTF-8 with the invalid lines read as Windows-1252.
    pub fn encoding(&self) -> Encoding {
        match (self.invalid_lines, self.utf8_lines, self.bom) {
            (0, _, true) => Encoding::Utf8Bom,
            (0, _, false) => Encoding::Utf8,
            (_, 0, false) => Encoding::Windows1252,
            _ => Encoding::Mixed,
        }
    }
}

/// Reads a file through once, a line at a time (nothing else kept), to find its encoding.
pub fn scan_encoding(r: impl Read) -> io::Result<EncodingScan> {
    use io::BufRead;
    let mut r = io::BufReader::with_capacity(64 * 1024, r);
    let mut scan = EncodingScan::default();
    let mut line = Vec::new();
    let mut n = 0u64;
    loop {
        line.clear();
        if r.read_until(b'\n', &mut line)? == 0 {
            return Ok(scan);
        }
        n += 1;
        let mut text = &line[..];
        if n == 1 && text.starts_with(&[0xEF, 0xBB, 0xBF]) {
            scan.bom = true;
            text = &text[3..];
        }
        match std::str::from_utf8(text) {
            Ok(t) if !t.is_ascii() => scan.utf8_lines += 1,
            Ok(_) => {}
            Err(_) => {
                scan.invalid_lines += 1;
                if scan.first_invalid.len() < EncodingScan::NAMED {
                    scan.first_invalid.push(n);
                }
            }
        }
    }
}

/// A file's encoding (see [`EncodingScan::encoding`]).
pub fn detect_encoding(r: impl Read) -> io::Result<Encoding> {
    Ok(scan_encoding(r)?.encoding())
}

/// A reader that decodes `inner` from `encoding` into UTF-8 as it is read.
pub struct DecodingReader<R> {
    inner: R,
    /// [`Encoding::Mixed`]: decoded a line at a time.
    by_line: bool,
    decoder: encoding_rs::Decoder,
    input: Vec<u8>,
    in_start: usize,
    in_end: usize,
    eof: bool,
    output: Vec<u8>,
    out_start: usize,
    out_end: usize,
    done: bool,
    /// [`Encoding::Mixed`]: the first line was read (its BOM, if any, dropped).
    started: bool,
}

impl<R: Read> DecodingReader<R> {
    pub fn new(inner: R, encoding: Encoding) -> Self {
        DecodingReader {
            inner,
            by_line: encoding == Encoding::Mixed,
            decoder: encoding.decoder(),
            input: vec![0; 32 * 1024],
            in_start: 0,
            in_end: 0,
            eof: false,
            output: vec![0; 3 * 32 * 1024 + 16],
            out_start: 0,
            out_end: 0,
            done: false,
            started: false,
        }
    }
}

impl<R: Read> DecodingReader<R> {
    /// [`Encoding::Mixed`]: the next whole line (or the file's last bytes) decoded as UTF-8
    /// if it is valid, else as Windows-1252, into `output`. `false` at the end of the file.
    fn next_line(&mut self) -> io::Result<bool> {
        loop {
            let pending = &self.input[self.in_start..self.in_end];
            let cut = pending.iter().position(|b| *b == b'\n').map(|i| i + 1);
            let cut = match cut {
                Some(c) => Some(c),
                None if self.eof => (!pending.is_empty()).then_some(pending.len()),
                None => None,
            };
            if let Some(len) = cut {
                let mut line = &self.input[self.in_start..self.in_start + len];
                if self.in_start == 0 && !self.started {
                    line = line.strip_prefix(&[0xEF, 0xBB, 0xBF][..]).unwrap_or(line);
                }
                self.started = true;
                let text: std::borrow::Cow<'_, str> = match std::str::from_utf8(line) {
                    Ok(t) => t.into(),
                    Err(_) => {
                        encoding_rs::WINDOWS_1252
                            .decode_without_bom_handling(line)
                            .0
                    }
                };
                self.output.clear();
                self.output.extend_from_slice(text.as_bytes());
                self.out_start = 0;
                self.out_end = self.output.len();
                self.in_start += len;
                return Ok(true);
            }
            if self.eof {
                return Ok(false);
            }
            // No whole line yet: keep what is pending at the start, make room, read more.
            self.input.copy_within(self.in_start..self.in_end, 0);
            self.in_end -= self.in_start;
            self.in_start = 0;
            if self.in_end == self.input.len() {
                self.input.resize(self.input.len() * 2, 0);
            }
            let n = self.inner.read(&mut self.input[self.in_end..])?;
            self.in_end += n;
            self.eof = n == 0;
        }
    }
}

impl<R: Read> Read for DecodingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.by_line {
            while self.out_start == self.out_end {
                if self.done || !self.next_line()? {
                    self.done = true;
                    return Ok(0);
                }
            }
            let n = buf.len().min(self.out_end - self.out_start);
            buf[..n].copy_from_slice(&self.output[self.out_start..self.out_start + n]);
            self.out_start += n;
            return Ok(n);
        }
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

    /// One stray byte no longer turns the whole file into Windows-1252 (issue 13, defect 7):
    /// the UTF-8 lines keep their accents, the odd line is read as Windows-1252, and the scan
    /// names it.
    #[test]
    fn one_bad_line_does_not_garble_the_others() {
        let mut file = "\u{feff}Código;Nombre\nC1;Núñez\n".as_bytes().to_vec();
        file.extend_from_slice(b"C2;Ib\xE1\xF1ez\n");
        for i in 3..300 {
            file.extend_from_slice(format!("C{i};Peña\n").as_bytes());
        }
        file.extend_from_slice(b"C300;Mu\xF1oz");
        let scan = scan_encoding(&file[..]).unwrap();
        assert_eq!(scan.encoding(), Encoding::Mixed);
        assert_eq!(
            (scan.invalid_lines, scan.first_invalid.clone()),
            (2, vec![3, 301])
        );
        // Read in small pieces, so that lines cross the reads.
        let mut text = String::new();
        let mut r = DecodingReader::new(&file[..], Encoding::Mixed);
        let mut piece = [0u8; 7];
        let mut bytes = Vec::new();
        loop {
            let n = r.read(&mut piece).unwrap();
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&piece[..n]);
        }
        text.push_str(std::str::from_utf8(&bytes).unwrap());
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "Código;Nombre", "the BOM dropped");
        assert_eq!(lines[1], "C1;Núñez");
        assert_eq!(lines[2], "C2;Ibáñez");
        assert_eq!(lines[3], "C3;Peña");
        assert_eq!(
            lines.last().unwrap(),
            &"C300;Muñoz",
            "the last line, with no line break"
        );
        // A legacy file (no UTF-8 anywhere) is still Windows-1252 as a whole.
        assert_eq!(
            detect_encoding(&b"a;b\nN\xFA\xF1ez;x\n"[..]).unwrap(),
            Encoding::Windows1252
        );
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
