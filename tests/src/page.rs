//! What a test does in the page: find, wait, click, type, read, screenshots. Every helper waits
//! at most [`WAIT`] and panics with what it saw.

use std::fs;
use std::path::Path;
use std::time::Instant;

use fantoccini::elements::Element;
use fantoccini::key::Key;
use fantoccini::Locator;
use serde_json::Value;

use crate::tools::{x_screenshot, x_screenshot_cropped};
use crate::{App, POLL, WAIT};

impl App {
    /// All elements matching `css` right now (no waiting).
    pub async fn find_all(&self, css: &str) -> Vec<Element> {
        self.client()
            .find_all(Locator::Css(css))
            .await
            .unwrap_or_else(|e| panic!("find_all({css:?}): {e}"))
    }

    /// Number of elements matching `css` right now.
    pub async fn count(&self, css: &str) -> usize {
        self.find_all(css).await.len()
    }

    /// Whether an element matches `css` right now.
    pub async fn exists(&self, css: &str) -> bool {
        self.count(css).await > 0
    }

    /// The first element matching `css`, waiting until one is in the DOM.
    pub async fn find(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            if let Ok(e) = self.client().find(Locator::Css(css)).await {
                return e;
            }
            if Instant::now() >= deadline {
                panic!(
                    "no element matches {css:?} after {WAIT:?}\n{}",
                    self.page_summary().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// The first *displayed* element matching `css`, waiting until there is one.
    pub async fn wait_for(&self, css: &str) -> Element {
        let deadline = Instant::now() + WAIT;
        loop {
            for e in self
                .client()
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if e.is_displayed().await.unwrap_or(false) {
                    return e;
                }
            }
            if Instant::now() >= deadline {
                let n = self.count(css).await;
                panic!(
                    "no displayed element matches {css:?} after {WAIT:?} ({n} hidden match(es))\n{}",
                    self.page_summary().await
                );
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Waits until no displayed element matches `css`.
    pub async fn wait_gone(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let mut visible = Vec::new();
            for e in self
                .client()
                .find_all(Locator::Css(css))
                .await
                .unwrap_or_default()
            {
                if e.is_displayed().await.unwrap_or(false) {
                    visible.push(e.text().await.unwrap_or_default());
                }
            }
            if visible.is_empty() {
                return;
            }
            if Instant::now() >= deadline {
                panic!("{css:?} still displayed after {WAIT:?}: {visible:?}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Clicks the first displayed element matching `css` (retries while it is not clickable).
    pub async fn click(&self, css: &str) {
        let deadline = Instant::now() + WAIT;
        loop {
            let e = self.wait_for(css).await;
            // WebKitWebDriver may silently miss an element at the window's very edge: bring it
            // to the middle first, as a person would scroll to it.
            let _ = self
                .client()
                .execute(
                    "arguments[0].scrollIntoView({block: 'center', inline: 'nearest'})",
                    vec![serde_json::to_value(&e).unwrap_or(Value::Null)],
                )
                .await;
            match e.click().await {
                Ok(()) => return,
                Err(err) if Instant::now() >= deadline => {
                    panic!("clicking {css:?} failed for {WAIT:?}: {err}")
                }
                Err(_) => tokio::time::sleep(POLL).await,
            }
        }
    }

    /// Clears the field matching `css` and types `text` into it.
    pub async fn type_into(&self, css: &str, text: &str) {
        let e = self.wait_for(css).await;
        e.clear()
            .await
            .unwrap_or_else(|err| panic!("clearing {css:?}: {err}"));
        e.send_keys(text)
            .await
            .unwrap_or_else(|err| panic!("typing {text:?} into {css:?}: {err}"));
    }

    /// Sends keys (without clearing) to the element matching `css`, e.g.
    /// `app.send_keys("#search", &(Key::Down + "")).await` or `&Key::Enter.to_string()`.
    pub async fn send_keys(&self, css: &str, keys: &str) {
        let e = self.wait_for(css).await;
        e.send_keys(keys)
            .await
            .unwrap_or_else(|err| panic!("sending keys {keys:?} to {css:?}: {err}"));
    }

    /// Presses one special key in the element matching `css`.
    pub async fn press(&self, css: &str, key: Key) {
        self.send_keys(css, &key.to_string()).await;
    }

    /// The rendered text of the first element matching `css` (waits for it to exist).
    pub async fn text(&self, css: &str) -> String {
        let e = self.find(css).await;
        e.text()
            .await
            .unwrap_or_else(|err| panic!("text of {css:?}: {err}"))
    }

    /// The texts of all elements matching `css` right now.
    pub async fn texts(&self, css: &str) -> Vec<String> {
        let mut out = Vec::new();
        for e in self.find_all(css).await {
            out.push(e.text().await.unwrap_or_default());
        }
        out
    }

    /// The `value` property of the first element matching `css` (inputs, selects, textareas).
    pub async fn value(&self, css: &str) -> String {
        let e = self.find(css).await;
        e.prop("value")
            .await
            .unwrap_or_else(|err| panic!("value of {css:?}: {err}"))
            .unwrap_or_default()
    }

    /// An attribute of the first element matching `css`.
    pub async fn attr(&self, css: &str, name: &str) -> Option<String> {
        let e = self.find(css).await;
        e.attr(name)
            .await
            .unwrap_or_else(|err| panic!("attribute {name:?} of {css:?}: {err}"))
    }

    /// Waits until an element matching `css` has a text containing `needle`; returns that text.
    pub async fn wait_for_text(&self, css: &str, needle: &str) -> String {
        let deadline = Instant::now() + WAIT;
        loop {
            let texts = self.texts(css).await;
            if let Some(t) = texts.iter().find(|t| t.contains(needle)) {
                return t.clone();
            }
            if Instant::now() >= deadline {
                let seen = if texts.is_empty() {
                    format!("no element matched {css:?}\n{}", self.page_summary().await)
                } else {
                    format!("{} element(s) matched, with texts: {texts:#?}", texts.len())
                };
                panic!("waited {WAIT:?} for {css:?} to contain {needle:?}; {seen}");
            }
            tokio::time::sleep(POLL).await;
        }
    }

    /// Runs JavaScript in the page (use `return ...` to get a value back).
    pub async fn js(&self, script: &str) -> Value {
        self.js_args(script, vec![]).await
    }

    /// Runs JavaScript with `arguments[0..]`.
    pub async fn js_args(&self, script: &str, args: Vec<Value>) -> Value {
        self.client()
            .execute(script, args)
            .await
            .unwrap_or_else(|e| panic!("script failed: {e}\n{script}"))
    }

    /// `document.title`.
    pub async fn title(&self) -> String {
        match self.js("return document.title").await {
            Value::String(s) => s,
            other => panic!("document.title is not a string: {other}"),
        }
    }

    /// The URL, title and a text excerpt of the page, for failure messages.
    pub async fn page_summary(&self) -> String {
        let Some(client) = self.client.as_ref() else {
            return "(no session)".into();
        };
        let script = "return [location.href, document.title, \
                      (document.body ? document.body.innerText : '').slice(0, 1500)]";
        match client.execute(script, vec![]).await {
            Ok(Value::Array(v)) => format!(
                "page {} (title {:?}) shows:\n{}",
                v.first().and_then(Value::as_str).unwrap_or("?"),
                v.get(1).and_then(Value::as_str).unwrap_or("?"),
                v.get(2).and_then(Value::as_str).unwrap_or("")
            ),
            Ok(other) => format!("(page summary: {other})"),
            Err(e) => format!("(page summary failed: {e})"),
        }
    }

    /// WebDriver screenshot of the window, as PNG. (It was once seen stale: assert on the DOM.)
    pub async fn screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let png = self
            .client()
            .screenshot()
            .await
            .unwrap_or_else(|e| panic!("WebDriver screenshot failed: {e}"));
        if let Some(dir) = path.parent() {
            let _ = fs::create_dir_all(dir);
        }
        fs::write(path, png).unwrap_or_else(|e| panic!("writing {}: {e}", path.display()));
    }

    /// Screenshot of the whole X display with ImageMagick's `import` (what a user would see).
    pub fn x_screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        if let Err(msg) = x_screenshot(self.desktop.display(), path) {
            panic!("{msg}");
        }
    }

    /// X screenshot cropped to the app window (falls back to the whole screen if the window
    /// rectangle is unknown). Best for documentation pictures.
    pub async fn window_screenshot(&self, path: impl AsRef<Path>) {
        let path = path.as_ref();
        let crop = match self.client().get_window_rect().await {
            Ok((x, y, w, h)) if w > 0 && h > 0 => Some(format!("{w}x{h}+{x}+{y}")),
            _ => None,
        };
        if let Err(msg) = x_screenshot_cropped(self.desktop.display(), path, crop.as_deref()) {
            panic!("{msg}");
        }
    }
}
