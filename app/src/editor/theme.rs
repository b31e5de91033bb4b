//! Colours and the two themes.

use egui::Color32;
use engine::spec::Category;

pub fn accent() -> Color32 {
    Color32::from_rgb(0x4c, 0x9a, 0xff)
}

pub fn category_color(category: Category, dark: bool) -> Color32 {
    let (d, l) = match category {
        Category::Source => (
            Color32::from_rgb(0x5c, 0xc8, 0x8a),
            Color32::from_rgb(0x1e, 0x8a, 0x4c),
        ),
        Category::Transform => (
            Color32::from_rgb(0x6a, 0xa8, 0xff),
            Color32::from_rgb(0x1f, 0x5f, 0xc4),
        ),
        Category::Sink => (
            Color32::from_rgb(0xe0, 0x9a, 0x4a),
            Color32::from_rgb(0xa8, 0x5c, 0x10),
        ),
    };
    if dark { d } else { l }
}

pub fn category_name(category: Category) -> &'static str {
    match category {
        Category::Source => "Sources",
        Category::Transform => "Transforms",
        Category::Sink => "Sinks",
    }
}

pub fn error_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xff, 0x6b, 0x6b)
    } else {
        Color32::from_rgb(0xc0, 0x1c, 0x28)
    }
}

/// The outline of nodes a lesson points at.
pub fn highlight_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xff, 0xd0, 0x40)
    } else {
        Color32::from_rgb(0xc8, 0x8a, 0x00)
    }
}

pub fn warning_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0xf0, 0xc0, 0x50)
    } else {
        Color32::from_rgb(0x9a, 0x67, 0x00)
    }
}

pub fn running_color(dark: bool) -> Color32 {
    if dark {
        Color32::from_rgb(0x7d, 0xd8, 0xa0)
    } else {
        Color32::from_rgb(0x1e, 0x7a, 0x46)
    }
}

/// Slightly roomier spacing than egui's default, for a desktop tool read all day; and the
/// bundled monospace font as a fallback for proportional text, for the arrows (→) the
/// engine's messages use, which the proportional font lacks.
pub fn apply(ctx: &egui::Context) {
    let mut fonts = egui::FontDefinitions::default();
    let monospace = fonts
        .families
        .get(&egui::FontFamily::Monospace)
        .and_then(|f| f.first())
        .cloned();
    if let (Some(monospace), Some(proportional)) = (
        monospace,
        fonts.families.get_mut(&egui::FontFamily::Proportional),
    ) {
        proportional.push(monospace);
    }
    ctx.set_fonts(fonts);
    ctx.all_styles_mut(|style| {
        style.spacing.item_spacing = egui::vec2(8.0, 5.0);
        style.spacing.button_padding = egui::vec2(8.0, 3.0);
        style.spacing.interact_size.y = 22.0;
    });
}

/// A small filled circle in the text flow, as a category marker.
pub fn dot(ui: &mut egui::Ui, color: Color32) {
    let (rect, _) = ui.allocate_exact_size(egui::vec2(10.0, 10.0), egui::Sense::hover());
    ui.painter().circle_filled(rect.center(), 4.5, color);
}
