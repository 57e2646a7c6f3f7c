//! The system tray: Fidelia keeps running there when its window is closed, so call reminders
//! still fire. Menu: open, today's calls (with their count), quit. (On Linux tray clicks are not
//! reported, so everything is in the menu.)

use fidelia_core::i18n::t;
use fidelia_core::Lang;
use tauri::menu::{Menu, MenuItem};
use tauri::tray::TrayIconBuilder;
use tauri::{AppHandle, Manager, Runtime};

const CALLS_ITEM: &str = "calls";

/// The calls menu item, kept to update its count, and the text it shows now.
pub struct TrayItems<R: Runtime> {
    pub calls: MenuItem<R>,
    pub shown: std::sync::Mutex<String>,
}

/// Shows the main window and brings it to the front; optionally opens a view.
pub fn show_main<R: Runtime>(app: &AppHandle<R>, view: Option<&str>) {
    if let Some(w) = app.get_webview_window("main") {
        let _ = w.show();
        let _ = w.unminimize();
        let _ = w.set_focus();
        // "agenda", "call:12": only letters, digits and ':' reach the page's script.
        if let Some(v) = view.filter(|v| v.chars().all(|c| c.is_ascii_alphanumeric() || c == ':')) {
            // A DOM event the window's router listens to (no IPC permission needed).
            let _ = w.eval(format!(
                "window.dispatchEvent(new CustomEvent('fidelia-navigate', {{ detail: '{v}' }}))"
            ));
        }
    }
}

pub fn create<R: Runtime>(app: &AppHandle<R>, lang: Lang) -> tauri::Result<()> {
    let open = MenuItem::with_id(app, "open", t(lang, "tray.open"), true, None::<&str>)?;
    let calls = MenuItem::with_id(
        app,
        CALLS_ITEM,
        t(lang, "tray.calls_today").replace("{n}", "0"),
        true,
        None::<&str>,
    )?;
    let quit = MenuItem::with_id(app, "quit", t(lang, "tray.quit"), true, None::<&str>)?;
    let menu = Menu::with_items(app, &[&open, &calls, &quit])?;
    let mut builder = TrayIconBuilder::with_id("fidelia")
        .tooltip("Fidelia")
        .menu(&menu)
        .on_menu_event(|app, event| match event.id.as_ref() {
            "open" => show_main(app, None),
            CALLS_ITEM => show_main(app, Some("agenda")),
            "quit" => app.exit(0),
            _ => {}
        });
    if let Some(icon) = app.default_window_icon() {
        builder = builder.icon(icon.clone());
    }
    builder.build(app)?;
    app.manage(TrayItems {
        calls,
        shown: Default::default(),
    });
    Ok(())
}

/// Puts today's open-call count in the tray menu (and the tooltip).
/// Only when the text changes: an idle Fidelia should cost next to nothing.
pub fn show_count<R: Runtime>(app: &AppHandle<R>, today: i64, lang: Lang) {
    let Some(items) = app.try_state::<TrayItems<R>>() else {
        return;
    };
    let text = t(lang, "tray.calls_today").replace("{n}", &today.to_string());
    let mut shown = items.shown.lock().unwrap_or_else(|e| e.into_inner());
    if *shown == text {
        return;
    }
    let _ = items.calls.set_text(&text);
    if let Some(tray) = app.tray_by_id("fidelia") {
        let _ = tray.set_tooltip(Some(format!("Fidelia — {text}")));
    }
    *shown = text;
}
