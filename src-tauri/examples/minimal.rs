//! A minimal Tauri 2 window, the floor against which `scripts/measure-window.sh` compares
//! Fidelia's launch-to-first-paint time and idle memory. Same framework, same build profile.

fn main() {
    let started = std::time::Instant::now();
    tauri::Builder::default()
        .on_page_load(move |_, payload| fidelia_app::report_first_paint(started, payload))
        .run(tauri::generate_context!("examples/minimal/tauri.conf.json"))
        .expect("minimal window");
}
