//! Mounts the app on the page and makes panics readable in the browser console.

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(hatoba_app::App);
}
