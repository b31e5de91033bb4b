//! The lessons: each runs on the engine as the learner would take it, step by step, and
//! every fact its text states is checked against the run. Then the lesson browser and the
//! timeline are driven through their widgets.

use std::path::{Path, PathBuf};

use egui::accesskit::Role;
use egui_kittest::Harness;
use egui_kittest::kittest::{NodeT, Queryable};
use engine::PipelineSpec;
use engine::spec::NodeKind;
use engine::types::parse_timestamp;
use streamlab::editor::Editor;
use streamlab::lesson::timeline::{Fate, Timeline};
use streamlab::lesson::{self, Evidence, LessonView, run_traced};

fn lessons_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../saved-graphs/lessons")
}

fn at(time: &str) -> i64 {
    parse_timestamp(&format!("2026-01-01 {time}")).unwrap()
}

/// A lesson taken step by step: each step's change made, as its button does, then the run.
struct Taken {
    /// The timeline at each step, and the answer its question expects.
    steps: Vec<(Timeline, Option<String>)>,
}

fn take(file: &str) -> Taken {
    let path = lessons_dir().join(file);
    let lesson = lesson::load(&path).unwrap();
    let pipeline = lesson.pipeline_path(&path);
    let mut spec: PipelineSpec = engine::spec::load_file(&pipeline).unwrap();
    assert!(lesson.missing_nodes(&spec).is_empty(), "{file}");
    let mut steps = Vec::new();
    for (i, step) in lesson.steps.iter().enumerate() {
        if let Some(t) = &step.try_it {
            assert!(t.change.apply(&mut spec), "{file} step {}", i + 1);
        }
        let outcome = run_traced(
            &spec,
            pipeline.parent().unwrap(),
            lesson.source_at(i).unwrap(),
            lesson.window_at(i).unwrap(),
        )
        .unwrap_or_else(|e| panic!("{file} step {}: {e}", i + 1));
        let expected = step
            .question
            .as_ref()
            .and_then(|q| q.answer.expected(Evidence::Timeline(&outcome.timeline)));
        steps.push((outcome.timeline, expected));
    }
    Taken { steps }
}

/// Rows (from 1) with each fate.
fn rows_that(timeline: &Timeline, fate: Fate) -> Vec<usize> {
    timeline
        .arrivals
        .iter()
        .filter(|a| a.fate == fate)
        .map(|a| a.index + 1)
        .collect()
}

fn answers(taken: &Taken) -> Vec<Option<&str>> {
    taken.steps.iter().map(|(_, a)| a.as_deref()).collect()
}

#[test]
fn every_lesson_in_the_folder_loads_and_runs() {
    let found = lesson::list(&lessons_dir());
    assert!(found.len() >= 3, "{found:?}");
    for (path, lesson) in found {
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let lesson = lesson.unwrap_or_else(|e| panic!("{e}"));
        // A curve's and a recovery's lesson are run in tests of their own.
        if matches!(lesson.view, LessonView::Timeline { .. }) {
            take(&name);
        }
    }
}

#[test]
fn the_stream_and_batch_lesson_says_what_its_run_does() {
    let taken = take("1-stream-and-batch.lesson.ron");
    assert_eq!(answers(&taken), [Some("11"), Some("20"), Some("4")]);
    let (stream, _) = &taken.steps[0];
    assert_eq!(stream.arrivals[10].event_time, at("10:00:21"));
    assert_eq!(stream.watermark_at(11), Some(at("10:00:11")));
    assert_eq!(
        stream.late().count(),
        0,
        "no reading was late for the stream"
    );
    let (batch, _) = &taken.steps[2];
    assert!(batch.windows.iter().all(|w| w.fired_at == batch.end_step()));
    let results = |t: &Timeline| {
        let mut r: Vec<_> = t.windows.iter().map(|w| w.results.clone()).collect();
        r.iter_mut()
            .for_each(|w| w.iter_mut().for_each(|(step, _, _)| *step = 0));
        r
    };
    assert_eq!(results(stream), results(batch), "the same results");
    let counts: Vec<String> = batch
        .windows
        .iter()
        .map(|w| w.results[0].2[2].to_string())
        .collect();
    assert_eq!(counts, ["6", "6", "4", "4"]);
}

#[test]
fn the_event_and_processing_time_lesson_says_what_its_run_does() {
    let taken = take("2-event-and-processing-time.lesson.ron");
    let (event_time, _) = &taken.steps[0];
    assert_eq!(taken.steps[0].1.as_deref(), Some("4"));
    let counts: Vec<String> = event_time
        .windows
        .iter()
        .map(|w| w.results[0].2[2].to_string())
        .collect();
    assert_eq!(counts, ["6", "6", "4", "4"], "as in lesson 1");
    // Replayed at 4 rows/s: the 20th row falls due 4.75 s after the first.
    let sent = |t: &Timeline| t.arrivals[19].at_ms - t.arrivals[0].at_ms;
    assert!(sent(event_time) >= 4_700.0, "{}", sent(event_time));
    let (processing, answer) = &taken.steps[1];
    assert_eq!(
        answer.as_deref(),
        Some("0"),
        "no row is late in processing time"
    );
    assert!(processing.processing_time);
    let in_windows = |t: &Timeline| -> i64 {
        t.windows
            .iter()
            .map(|w| match &w.results[0].2[2] {
                engine::types::Value::Int64(n) => *n,
                v => panic!("{v:?}"),
            })
            .sum()
    };
    assert_eq!(in_windows(processing), 20, "every reading in one window");
    for w in &processing.windows {
        assert_eq!(w.end - w.start, 1000, "a second of the wall clock");
        for a in w.members(processing) {
            assert!((w.start..w.end).contains(&a.processed_at));
        }
    }
    // About one window a second of the run: 5 s at 4 rows/s, 4 s at 5.
    assert!(
        (5..=7).contains(&processing.windows.len()),
        "{}",
        processing.windows.len()
    );
    let (faster, _) = &taken.steps[2];
    assert_eq!(in_windows(faster), 20);
    assert!(
        (4..=6).contains(&faster.windows.len()),
        "{}",
        faster.windows.len()
    );
    assert!(
        sent(faster) < 4_000.0 && sent(faster) >= 3_700.0,
        "{}",
        sent(faster)
    );
}

#[test]
fn the_watermark_lesson_says_what_its_run_does() {
    let taken = take("3-watermarks.lesson.ron");
    assert_eq!(
        answers(&taken),
        [None, Some("6"), Some("2"), Some("0"), None]
    );
    let (two_seconds, _) = &taken.steps[1];
    assert_eq!(two_seconds.arrivals.len(), 20, "20 readings");
    let out_of_order: Vec<usize> = (0..20)
        .filter(|&i| {
            let a = &two_seconds.arrivals[i];
            two_seconds.arrivals[..i]
                .iter()
                .any(|b| b.event_time > a.event_time)
        })
        .map(|i| i + 1)
        .collect();
    assert_eq!(out_of_order, [3, 7, 9, 12, 15, 17, 20]);
    let first = two_seconds.firing_order()[0];
    assert_eq!((first.start, first.end), (at("10:00:00"), at("10:00:10")));
    assert_eq!(first.fired_at, 6, "fires after row 6");
    assert_eq!(two_seconds.arrivals[5].event_time, at("10:00:12"));
    assert_eq!(two_seconds.watermark_at(6), Some(at("10:00:10")));
    assert_eq!(rows_that(two_seconds, Fate::Dropped), [7, 15]);
    assert_eq!(two_seconds.arrivals[6].event_time, at("10:00:09"));
    assert_eq!(two_seconds.arrivals[14].event_time, at("10:00:19"));
    assert_eq!(two_seconds.watermark_at(14), Some(at("10:00:25")));
    let (ten_seconds, _) = &taken.steps[3];
    assert_eq!(ten_seconds.firing_order()[0].fired_at, 11, "after row 11");
    assert_eq!(ten_seconds.late().count(), 0);
}

#[test]
fn the_late_data_lesson_says_what_its_run_does() {
    let taken = take("4-late-data.lesson.ron");
    assert_eq!(answers(&taken), [Some("4"), Some("0"), Some("1")]);
    let (no_lateness, _) = &taken.steps[0];
    assert_eq!(rows_that(no_lateness, Fate::ToLateOutput), [7, 12, 15, 17]);
    let times: Vec<i64> = [7, 12, 15, 17]
        .iter()
        .map(|r| no_lateness.arrivals[r - 1].event_time)
        .collect();
    assert_eq!(
        times,
        ["10:00:09", "10:00:13", "10:00:19", "10:00:26"].map(at)
    );
    let (ten_seconds, _) = &taken.steps[1];
    assert_eq!(rows_that(ten_seconds, Fate::Updated), [7, 12, 15, 17]);
    let updated_twice: Vec<_> = ten_seconds
        .windows
        .iter()
        .filter(|w| w.updated_at.len() == 2)
        .collect();
    assert_eq!(updated_twice.len(), 1);
    assert_eq!(
        (updated_twice[0].start, updated_twice[0].end),
        (at("10:00:10"), at("10:00:20"))
    );
    assert_eq!(updated_twice[0].updated_at, [12, 15], "by rows 12 and 15");
    let (five_seconds, _) = &taken.steps[2];
    assert_eq!(rows_that(five_seconds, Fate::ToLateOutput), [15]);
    assert_eq!(five_seconds.watermark_at(14), Some(at("10:00:27")));
}

#[test]
fn the_windows_lesson_says_what_its_run_does() {
    let taken = take("5-windows.lesson.ron");
    assert_eq!(
        answers(&taken),
        [Some("4"), Some("2"), Some("09:59:55–10:00:05"), Some("2")]
    );
    let (tumbling, _) = &taken.steps[0];
    assert_eq!(tumbling.late().count(), 0, "no reading is late here");
    for a in &tumbling.arrivals {
        let windows = tumbling
            .windows
            .iter()
            .filter(|w| w.members(tumbling).any(|m| m.index == a.index))
            .count();
        assert_eq!(windows, 1, "each reading in exactly one tumbling window");
    }
    let (sliding, _) = &taken.steps[2];
    let first = sliding.firing_order()[0];
    assert_eq!(first.fired_at, 10, "after row 10");
    assert_eq!(sliding.arrivals[9].event_time, at("10:00:17"));
    let (sessions, _) = &taken.steps[3];
    let spans: Vec<(i64, i64, usize)> = sessions
        .windows
        .iter()
        .map(|w| (w.start, w.end, w.members(sessions).count()))
        .collect();
    assert_eq!(
        spans,
        [
            (at("10:00:01"), at("10:00:30"), 16),
            (at("10:00:31"), at("10:00:41"), 4)
        ]
    );
}

#[test]
fn the_latency_lesson_says_what_its_measurements_show() {
    let path = lessons_dir().join("7-stream-first-and-micro-batches.lesson.ron");
    let lesson = lesson::load(&path).unwrap();
    let LessonView::LatencyCurve {
        batch_sizes,
        seconds,
    } = &lesson.view
    else {
        panic!("a curve lesson");
    };
    let pipeline = lesson.pipeline_path(&path);
    let mut spec = engine::spec::load_file(&pipeline).unwrap();
    let dir = pipeline.parent().unwrap();
    let measure = |spec: &PipelineSpec| -> Vec<lesson::curve::CurvePoint> {
        batch_sizes
            .iter()
            .map(|&b| lesson::curve::measure(spec, dir, b, *seconds).unwrap())
            .collect()
    };
    let answers = |points: &[lesson::curve::CurvePoint], step: usize| {
        lesson.steps[step]
            .question
            .as_ref()
            .unwrap()
            .answer
            .expected(Evidence::Curve(points))
            .unwrap()
    };
    // Only what pacing makes certain is asserted, not this machine's speed: a batch of 4096
    // at 10,000 rows/s takes about 400 ms to fill, so it leaves on the timeout.
    let at_100 = measure(&spec);
    assert_eq!(answers(&at_100, 0), "4096", "{at_100:?}");
    assert_eq!(answers(&at_100, 1), "1", "{at_100:?}");
    let widest = |points: &[lesson::curve::CurvePoint]| points.last().unwrap().p99_ms;
    assert!(widest(&at_100) > 60.0, "{at_100:?}");
    assert!(
        at_100[1].rows_per_second > 3.0 * at_100[0].rows_per_second,
        "16 rows a batch share the hand-over: {at_100:?}"
    );
    assert!(
        lesson.steps[2]
            .try_it
            .as_ref()
            .unwrap()
            .change
            .apply(&mut spec)
    );
    assert_eq!(spec.job.buffer_timeout_ms, 10);
    let at_10 = measure(&spec);
    assert_eq!(answers(&at_10, 2), "1", "{at_10:?}");
    assert!(
        widest(&at_10) < widest(&at_100) / 2.0,
        "{at_10:?} {at_100:?}"
    );
}

#[test]
fn the_exactly_once_lesson_says_what_its_runs_do() {
    let path = lessons_dir().join("6-exactly-once.lesson.ron");
    let lesson = lesson::load(&path).unwrap();
    let LessonView::Recovery { sink } = &lesson.view else {
        panic!("a recovery lesson");
    };
    let pipeline = lesson.pipeline_path(&path);
    let mut spec = engine::spec::load_file(&pipeline).unwrap();
    let dir = pipeline.parent().unwrap();
    let expected = |outcome: &lesson::recovery::RecoveryOutcome, step: usize| {
        lesson.steps[step]
            .question
            .as_ref()
            .unwrap()
            .answer
            .expected(Evidence::Recovery(outcome))
            .unwrap()
    };
    let recovered = lesson::recovery::run_recovery(&spec, dir, sink).unwrap();
    assert_eq!(expected(&recovered, 0), "1", "{recovered:?}");
    assert_eq!(expected(&recovered, 1), "0", "{recovered:?}");
    assert_eq!(recovered.missing, 0, "{recovered:?}");
    assert_eq!(recovered.written, recovered.reference);
    // 20 s of event time for each of 8 sensors.
    assert_eq!(recovered.reference, 160, "{recovered:?}");
    assert!(recovered.checkpoints_completed >= 1, "{recovered:?}");
    assert!(recovered.failed.is_none());
    assert_eq!(recovered.failures.len(), 1);
    assert!(
        recovered.failures[0].contains("per_second"),
        "{:?}",
        recovered.failures
    );
    assert!(
        !dir.join("out").exists(),
        "the lesson's runs write nowhere among its files"
    );

    assert!(
        lesson.steps[2]
            .try_it
            .as_ref()
            .unwrap()
            .change
            .apply(&mut spec)
    );
    let failed = lesson::recovery::run_recovery(&spec, dir, sink).unwrap();
    assert!(failed.failed.is_some(), "{failed:?}");
    assert_eq!(failed.restarts, 0);
    // The windows after reading 10,000 (10 s of event time) never fired: 8 sensors each.
    let missing: usize = expected(&failed, 2).parse().unwrap();
    assert!(missing >= 80, "{failed:?}");
    assert_eq!(failed.duplicated, 0, "at most once: lost, never doubled");
}

#[test]
fn a_dragged_row_runs_again_from_an_edited_copy() {
    let path = lessons_dir().join("watermarks.ron");
    let spec = engine::spec::load_file(&path).unwrap();
    let dir = path.parent().unwrap();
    let mut rows = lesson::SourceRows::read(&spec, dir, "readings").unwrap();
    // Row 7 (10:00:09) dragged to arrive first: it is no longer late.
    rows.move_row(6, 0);
    let edited = rows.spec_for_run(&spec).unwrap();
    let outcome = run_traced(&edited, dir, "readings", "per_10s").unwrap();
    assert_eq!(outcome.timeline.arrivals[0].event_time, at("10:00:09"));
    assert_eq!(rows_that(&outcome.timeline, Fate::Dropped), [15]);
    // And a reading moved to 10:00:01 after the first window fired is late.
    rows.set_event_time(10, at("10:00:01"));
    let edited = rows.spec_for_run(&spec).unwrap();
    let outcome = run_traced(&edited, dir, "readings", "per_10s").unwrap();
    assert_eq!(rows_that(&outcome.timeline, Fate::Dropped), [11, 15]);
}

#[test]
fn a_timeline_of_a_window_in_another_thread_is_refused_with_the_reason() {
    let path = lessons_dir().join("watermarks.ron");
    let mut spec = engine::spec::load_file(&path).unwrap();
    spec.job.batch_size = 4;
    let error = run_traced(&spec, path.parent().unwrap(), "readings", "per_10s").unwrap_err();
    assert!(error.contains("set Batch size to 1"), "{error}");
    let error = run_traced(&spec, path.parent().unwrap(), "readings", "results").unwrap_err();
    assert!(error.contains("is not a Window"), "{error}");
    if let NodeKind::FileSource(c) = &mut spec.nodes[0].kind {
        c.path = "missing.csv".into();
    }
    let error = run_traced(&spec, path.parent().unwrap(), "readings", "per_10s").unwrap_err();
    assert!(error.contains("missing.csv"), "{error}");
}

// ----- the lesson browser, driven through its widgets -----

fn harness() -> Harness<'static, Editor> {
    let mut harness = Harness::builder()
        .with_size([1280.0, 800.0])
        .with_step_dt(1.0 / 60.0)
        .build_ui_state(|ui, editor: &mut Editor| editor.ui(ui), Editor::new(None));
    harness.run();
    harness
}

fn shows(harness: &Harness<'_, Editor>, text: &str) -> bool {
    harness.root().children_recursive().any(|n| {
        let node = n.accesskit_node();
        node.value().is_some_and(|v| v.contains(text))
            || node.label().is_some_and(|l| l.contains(text))
    })
}

fn click_button(harness: &mut Harness<'_, Editor>, label: &str) {
    harness.get_by_role_and_label(Role::Button, label).click();
    harness.run();
}

/// Runs frames until the lesson's traced run has ended.
fn wait_for_run(harness: &mut Harness<'_, Editor>) {
    for _ in 0..500 {
        harness.run_steps(2);
        let done = harness
            .state()
            .open_lesson()
            .and_then(|l| l.run.as_ref())
            .is_some_and(|r| !r.is_running());
        if done {
            harness.run_steps(2);
            return;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    panic!("the lesson's run did not end");
}

fn answer(harness: &mut Harness<'_, Editor>, text: &str) {
    harness
        .get_by_role_and_label(Role::TextInput, "Your answer")
        .click();
    harness.run();
    let typed = harness.state().open_lesson().unwrap().step;
    harness.state_mut().open_lesson_mut().unwrap().answers[typed].clear();
    harness
        .get_by_role_and_label(Role::TextInput, "Your answer")
        .type_text(text);
    harness.run();
}

#[test]
fn a_learner_opens_a_lesson_steps_through_it_and_answers_wrong_then_right() {
    let mut harness = harness();
    click_button(&mut harness, "🎓 Lessons");
    assert!(shows(&harness, "3. Watermarks and out-of-order events"));
    click_button(&mut harness, "Start 3. Watermarks and out-of-order events");
    wait_for_run(&mut harness);
    assert!(shows(&harness, "Step 1 of 5"));
    assert_eq!(harness.state().spec().name, "lesson-watermarks");
    assert!(shows(&harness, "Timeline of per_10s"));
    assert!(shows(&harness, "after row 0 of 20"));
    assert!(
        shows(&harness, "out 20"),
        "the canvas counts the lesson's run"
    );
    click_button(&mut harness, "▶|");
    assert!(shows(&harness, "after row 1 of 20"));
    click_button(&mut harness, "⏭");
    assert!(shows(&harness, "all 20 rows, then the end of input"));

    click_button(&mut harness, "Next ⏵");
    assert!(shows(&harness, "After which row does the first window"));
    assert_eq!(
        harness.state().open_lesson().unwrap().highlights(),
        ["readings", "per_10s"]
    );
    answer(&mut harness, "5");
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Not what the run did"));
    click_button(&mut harness, "Show the answer");
    assert!(shows(&harness, "The run says: 6."));
    answer(&mut harness, "6");
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Right: that is what the run did."));

    click_button(&mut harness, "Next ⏵");
    answer(&mut harness, "3");
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Not what the run did"));
    answer(&mut harness, "2");
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Right"));

    // The change to try is an edit of the canvas: the run follows it, and so does the answer.
    click_button(&mut harness, "Next ⏵");
    click_button(&mut harness, "Set the watermark delay to 10 s");
    wait_for_run(&mut harness);
    let spec = harness.state().spec();
    let Some(NodeKind::FileSource(source)) = spec
        .nodes
        .iter()
        .find(|n| n.id == "readings")
        .map(|n| &n.kind)
    else {
        panic!("no readings source");
    };
    assert_eq!(source.watermark_delay_ms, 10_000);
    answer(&mut harness, "2");
    click_button(&mut harness, "Check");
    assert!(
        shows(&harness, "Not what the run did"),
        "2 was right only at 2 s"
    );
    answer(&mut harness, "0");
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Right"));
    assert!(!shows(&harness, "You have changed the pipeline"));

    // An edit of its own: the lesson says the text no longer describes the run, forgets the
    // check made against the old run, and puts the lesson's pipeline back on request.
    harness
        .state_mut()
        .apply_lesson_change(&streamlab::lesson::Change::WatermarkDelay {
            node: "readings".into(),
            ms: 3000,
        });
    harness.run();
    wait_for_run(&mut harness);
    assert!(shows(&harness, "You have changed the pipeline or its rows"));
    assert!(!shows(&harness, "Right: that is"), "the old check is gone");
    click_button(&mut harness, "Put back the lesson's pipeline");
    wait_for_run(&mut harness);
    assert!(!shows(&harness, "You have changed the pipeline"));
    let spec = harness.state().spec();
    let Some(NodeKind::FileSource(source)) = spec.nodes.first().map(|n| &n.kind) else {
        panic!("no readings source");
    };
    assert_eq!(source.watermark_delay_ms, 2000, "as the step's text has it");

    click_button(&mut harness, "⏴ All lessons");
    assert!(shows(&harness, "4. Late data"));
    assert!(
        shows(&harness, "3 of 3 questions answered"),
        "the list keeps what was done"
    );
    click_button(&mut harness, "🎓 Lessons");
    assert!(!harness.state().in_lessons());
    assert!(
        shows(&harness, "Problems"),
        "the designer's own panels are back"
    );
}

#[test]
fn the_keyboard_steps_a_lesson_and_its_timeline() {
    let mut harness = harness();
    harness
        .state_mut()
        .start_lesson(&lessons_dir().join("4-late-data.lesson.ron"));
    harness.run();
    wait_for_run(&mut harness);
    for _ in 0..3 {
        harness.key_press(egui::Key::ArrowRight);
        harness.run();
    }
    assert!(shows(&harness, "after row 3 of 20"));
    harness.key_press(egui::Key::ArrowLeft);
    harness.run();
    assert!(shows(&harness, "after row 2 of 20"));
    harness.key_press(egui::Key::PageDown);
    harness.run();
    assert!(shows(&harness, "Step 2 of 3"));
    harness.key_press(egui::Key::Space);
    harness.run_steps(3);
    assert!(harness.state().open_lesson().unwrap().playback.playing);
    harness.run_steps(60);
    assert!(
        harness.state().open_lesson().unwrap().playback.step > 2,
        "playing moves on at 2 rows a second"
    );
}

#[test]
fn the_curve_lesson_draws_each_point_as_it_is_measured_and_checks_the_answer() {
    let mut harness = harness();
    click_button(&mut harness, "🎓 Lessons");
    // Measuring repaints the window until it is done: frames are run by hand.
    harness
        .get_by_role_and_label(Role::Button, "Start 7. Stream-first and micro-batching")
        .click();
    harness.run_steps(3);
    assert!(shows(&harness, "Latency against throughput, measured"));
    for _ in 0..2000 {
        harness.run_steps(1);
        let done = harness
            .state()
            .open_lesson()
            .and_then(|l| l.curve.as_ref())
            .is_some_and(|c| !c.is_running());
        if done {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    harness.run_steps(2);
    let points = harness
        .state()
        .open_lesson()
        .and_then(|l| l.curve.as_ref())
        .map(|c| c.points())
        .unwrap();
    let sizes: Vec<usize> = points.iter().map(|p| p.batch_size).collect();
    assert_eq!(sizes, [1, 16, 256, 4096]);
    // The table beside the chart has a row of figures per point.
    let rows_with_ms = harness
        .root()
        .children_recursive()
        .filter(|n| {
            let node = n.accesskit_node();
            let text = node.value().or(node.label()).unwrap_or_default();
            text.ends_with(" ms") && text.starts_with(|c: char| c.is_ascii_digit())
        })
        .count();
    assert!(rows_with_ms >= 4, "{rows_with_ms} latencies shown");
    // The batch of the highest latency: 4096, which waits for the buffer timeout.
    harness
        .get_by_role_and_label(Role::RadioButton, "1")
        .click();
    harness.run_steps(2);
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Not what the run did"));
    harness
        .get_by_role_and_label(Role::RadioButton, "4096")
        .click();
    harness.run_steps(2);
    click_button(&mut harness, "Check");
    assert!(shows(&harness, "Right: that is what the run did."));
}

#[test]
fn a_broken_or_missing_lesson_file_is_refused_with_its_name_and_place() {
    let dir = std::env::temp_dir().join(format!("streamlab-lesson-files-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let broken = dir.join("9-broken.lesson.ron");
    std::fs::write(&broken, "(\n  title: \"x\",\n  colour: 3,\n)").unwrap();
    let error = lesson::load(&broken).unwrap_err();
    assert!(
        error.contains("9-broken.lesson.ron") && error.contains("line 3"),
        "{error}"
    );
    let error = lesson::load(&dir.join("gone.lesson.ron")).unwrap_err();
    assert!(
        error.contains("cannot read the lesson") && error.contains("gone.lesson.ron"),
        "{error}"
    );
    // The list shows the broken one with its reason, beside the good ones.
    let listed = lesson::list(&dir);
    assert_eq!(listed.len(), 1);
    assert!(listed[0].1.is_err());
    std::fs::remove_dir_all(&dir).unwrap();
}
