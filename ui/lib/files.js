// Files chosen by the user (<input type=file>): the page has no file-system access, so it reads
// the file itself and sends its bytes to Rust, base64-encoded.

/** Reads a file as base64 (the data URL's payload). */
export function readBase64(file) {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const url = String(reader.result || "");
      resolve(url.slice(url.indexOf(",") + 1));
    };
    reader.onerror = () => reject(reader.error);
    reader.readAsDataURL(file);
  });
}
