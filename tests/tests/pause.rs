//! Pause and step: a paused job takes no new rows, a step lets exactly that many through
//! (from all source instances together), event time stays put, and resume goes on.

use std::time::{Duration, Instant};

use engine::{JobHandle, JobMonitor, RunOptions};

fn start(ron: &str) -> JobHandle {
    let spec = engine::spec::parse(ron).expect("a valid pipeline");
    JobHandle::start(&spec, RunOptions::default()).expect("the job starts")
}

fn sink_rows(job: &JobMonitor) -> u64 {
    job.metrics()
        .into_iter()
        .find(|m| m.id == "sink")
        .expect("a sink")
        .records_in
}

/// Waits until the sink's count holds still for 300 ms, and returns it.
fn settled(job: &JobMonitor) -> u64 {
    let mut last = sink_rows(job);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        std::thread::sleep(Duration::from_millis(300));
        let now = sink_rows(job);
        if now == last {
            return now;
        }
        assert!(Instant::now() < deadline, "the sink never settles");
        last = now;
    }
}

#[test]
fn a_paused_job_takes_no_rows_and_a_step_lets_exactly_that_many_through() {
    let job = start(
        r#"(version: 1, nodes: [
            (id: "gen", parallelism: 2, kind: Datagen(fields: [
                (name: "ts", type: Timestamp, kind: Random(max_past_ms: 0)),
                (name: "v", type: Int64),
            ], rows_per_second: 2000, event_time: "ts", idle_timeout_ms: 100)),
            (id: "sink", parallelism: 1, kind: Blackhole()),
        ], edges: [(from: "gen", to: "sink")],
        job: (batch_size: 64, buffer_timeout_ms: 20))"#,
    );
    let monitor = job.monitor();
    std::thread::sleep(Duration::from_millis(300));
    job.pause();
    assert!(job.is_paused());
    let before = settled(&monitor);
    assert!(before > 0, "rows flowed before the pause");
    let watermark = job
        .metrics()
        .into_iter()
        .find(|m| m.id == "sink")
        .unwrap()
        .watermark;
    std::thread::sleep(Duration::from_millis(400));
    assert_eq!(sink_rows(&monitor), before, "nothing enters while paused");
    assert_eq!(
        job.metrics()
            .into_iter()
            .find(|m| m.id == "sink")
            .unwrap()
            .watermark,
        watermark,
        "event time stays where it is (an idle timeout does not pass it on)"
    );
    for step in [10, 1, 100] {
        let at = sink_rows(&monitor);
        job.step(step);
        assert_eq!(settled(&monitor), at + step, "a step of {step} rows");
    }
    job.resume();
    std::thread::sleep(Duration::from_millis(300));
    assert!(sink_rows(&monitor) > before + 111 + 100, "rows flow again");
    job.stop();
    job.wait().expect("the job stops");
}
