//! The canvas view: zoom levels, fitting the pipeline in view and bringing a node into it.
//!
//! The canvas draws node text at twice its size and scales the view to suit, so text stays
//! sharp when magnified: a view scale of 0.5 shows text at its normal size, which is 100%.

use egui::emath::TSTransform;
use egui::{Pos2, Rect, Vec2};

/// The largest zoom; also the factor node text is drawn at (see the module's comment).
pub const MAX_ZOOM: f32 = 2.0;
/// The least zoom the user can reach by hand.
pub const MIN_ZOOM: f32 = 0.2;
/// Fit goes no further out than this: below it node text cannot be read, so a larger
/// pipeline is shown from its sources and scrolled instead.
pub const LEAST_READABLE_ZOOM: f32 = 0.75;
/// Fit and new pipelines go no further in than 100%.
const FIT_MAX_ZOOM: f32 = 1.0;
/// Room kept between a node brought into view and the canvas edge, in screen points.
const REVEAL_MARGIN: f32 = 24.0;

/// A change of view the canvas should make on its next frame.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum ViewRequest {
    /// Show every node, measured as drawn (estimated before a node was ever drawn).
    FitAll,
    /// Show this graph-space rectangle whole, if it can be shown readably.
    Fit(Rect),
    /// Keep the zoom, centre this graph-space point.
    Center(Pos2),
    /// Bring a new node (a graph-space rectangle) into view: see `include`.
    Include { node: Rect, pipeline: Rect },
    /// Show exactly this view (kept across a rebuilt canvas).
    Transform(TSTransform),
}

/// The zoom a transform shows, as a fraction (1.0 is 100%).
pub fn zoom_of(transform: &TSTransform) -> f32 {
    transform.scaling * MAX_ZOOM
}

fn scaling_for(zoom: f32) -> f32 {
    zoom / MAX_ZOOM
}

/// The view at 100% with graph point `at` in the middle of `screen`: an empty canvas.
pub fn at_normal_size(at: Pos2, screen: Rect) -> TSTransform {
    matching(at, screen.center(), scaling_for(1.0))
}

/// The view that shows `view` (graph space) in `screen`, zoomed between the least readable
/// zoom and 100%. Along an axis where it fits it is centred; where it does not, its start
/// (left: the sources; top) is shown. The flag says whether it all fits.
pub fn fit(view: Rect, screen: Rect) -> (TSTransform, bool) {
    let wanted = (screen.size() / view.size()).min_elem() * MAX_ZOOM;
    let zoom = wanted.clamp(LEAST_READABLE_ZOOM, FIT_MAX_ZOOM);
    let scaling = scaling_for(zoom);
    let shown = view.size() * scaling;
    let along = |fits: bool, view_min: f32, view_mid: f32, screen_min: f32, screen_mid: f32| {
        if fits {
            screen_mid - view_mid * scaling
        } else {
            screen_min - view_min * scaling
        }
    };
    let fits_x = shown.x <= screen.width() + 0.5;
    let fits_y = shown.y <= screen.height() + 0.5;
    let translation = Vec2::new(
        along(
            fits_x,
            view.left(),
            view.center().x,
            screen.left(),
            screen.center().x,
        ),
        along(
            fits_y,
            view.top(),
            view.center().y,
            screen.top(),
            screen.center().y,
        ),
    );
    (TSTransform::new(translation, scaling), fits_x && fits_y)
}

/// `transform` moved as little as needed to show `rect` (graph space) inside `screen`.
fn reveal(rect: Rect, transform: TSTransform, screen: Rect) -> TSTransform {
    let on_screen = transform * rect;
    let area = screen.shrink(REVEAL_MARGIN);
    let along = |min: f32, max: f32, area_min: f32, area_max: f32| {
        if max - min > area_max - area_min {
            (area_min + area_max) / 2.0 - (min + max) / 2.0
        } else if min < area_min {
            area_min - min
        } else if max > area_max {
            area_max - max
        } else {
            0.0
        }
    };
    let shift = Vec2::new(
        along(
            on_screen.left(),
            on_screen.right(),
            area.left(),
            area.right(),
        ),
        along(
            on_screen.top(),
            on_screen.bottom(),
            area.top(),
            area.bottom(),
        ),
    );
    TSTransform::new(transform.translation + shift, transform.scaling)
}

/// The view after a node is added at `node` (graph space) to a pipeline now spanning
/// `pipeline`: unchanged if the node is in view; else the whole pipeline, zoomed out no
/// further than needed (and not past the least readable zoom); else moved as little as
/// needed to show the node.
pub fn include(node: Rect, pipeline: Rect, transform: TSTransform, screen: Rect) -> TSTransform {
    if screen.shrink(REVEAL_MARGIN).contains_rect(transform * node) {
        return transform;
    }
    let wanted = (screen.size() / pipeline.size()).min_elem() * MAX_ZOOM;
    if wanted >= LEAST_READABLE_ZOOM {
        let zoom = wanted.min(zoom_of(&transform));
        return matching(pipeline.center(), screen.center(), scaling_for(zoom));
    }
    reveal(node, transform, screen)
}

/// The transform that puts graph point `graph` at screen point `screen` with `scale`.
pub fn matching(graph: Pos2, screen: Pos2, scale: f32) -> TSTransform {
    TSTransform::new(screen.to_vec2() - graph.to_vec2() * scale, scale)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn screen() -> Rect {
        Rect::from_min_size(Pos2::new(190.0, 54.0), Vec2::new(760.0, 570.0))
    }

    #[test]
    fn a_small_pipeline_is_centred_at_no_more_than_100_percent() {
        let view = Rect::from_min_size(Pos2::ZERO, Vec2::new(400.0, 200.0));
        let (transform, whole) = fit(view, screen());
        assert!(whole);
        assert_eq!(zoom_of(&transform), 1.0);
        let centre = transform * view.center();
        assert!((centre - screen().center()).length() < 0.01);
    }

    #[test]
    fn a_wide_pipeline_shows_its_sources_at_a_readable_zoom() {
        let view = Rect::from_min_size(Pos2::new(-80.0, -80.0), Vec2::new(6000.0, 300.0));
        let (transform, whole) = fit(view, screen());
        assert!(!whole);
        assert_eq!(zoom_of(&transform), LEAST_READABLE_ZOOM);
        let shown = transform * view;
        assert_eq!(
            shown.left(),
            screen().left(),
            "the start is at the left edge"
        );
        assert!(
            (shown.center().y - screen().center().y).abs() < 0.01,
            "centred where it fits"
        );
    }

    #[test]
    fn a_pipeline_that_fits_between_the_limits_fills_the_view() {
        let view = Rect::from_min_size(Pos2::ZERO, Vec2::new(1800.0, 300.0));
        let (transform, whole) = fit(view, screen());
        assert!(whole);
        let shown = transform * view;
        assert!(screen().expand(0.5).contains_rect(shown));
        assert!((shown.width() - screen().width()).abs() < 0.5);
    }

    #[test]
    fn revealing_moves_the_view_only_as_far_as_needed() {
        let transform = at_normal_size(Pos2::ZERO, screen());
        let visible = Rect::from_center_size(Pos2::ZERO, Vec2::splat(100.0));
        assert_eq!(reveal(visible, transform, screen()), transform);
        let off_right = visible.translate(Vec2::new(1000.0, 0.0));
        let moved = reveal(off_right, transform, screen());
        let shown = moved * off_right;
        assert!((shown.right() - (screen().right() - REVEAL_MARGIN)).abs() < 0.01);
        assert_eq!(moved.translation.y, transform.translation.y);
        assert_eq!(moved.scaling, transform.scaling);
    }

    #[test]
    fn a_new_node_out_of_view_brings_the_whole_pipeline_in_while_it_stays_readable() {
        let transform = at_normal_size(Pos2::ZERO, screen());
        let node = Rect::from_min_size(Pos2::new(1200.0, 0.0), Vec2::new(300.0, 150.0));
        let pipeline = Rect::from_min_max(Pos2::new(-100.0, -100.0), node.max);
        let shown = include(node, pipeline, transform, screen());
        assert!(screen().expand(0.5).contains_rect(shown * pipeline));
        assert!(zoom_of(&shown) >= LEAST_READABLE_ZOOM && zoom_of(&shown) < 1.0);

        let far = node.translate(Vec2::new(5000.0, 0.0));
        let wide = pipeline.union(far);
        let shown = include(far, wide, transform, screen());
        assert_eq!(
            zoom_of(&shown),
            1.0,
            "too wide to fit readably: it only moves"
        );
        assert!(screen().contains_rect(shown * far));
    }
}
