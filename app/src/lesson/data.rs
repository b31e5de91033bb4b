//! The rows of a lesson's source, as the learner edits them on the timeline: dragging a dot
//! changes a row's event time or its place in the arrival order. An edited copy is written to
//! a folder of its own for the next run; the lesson's file is never changed.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

use engine::PipelineSpec;
use engine::spec::{FileFormat, NodeKind};
use engine::types::{format_timestamp, parse_timestamp};

#[derive(Debug)]
pub struct SourceRows {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
    time_column: usize,
    /// The node whose file these are.
    source: String,
    /// Where edited copies go; removed with the rows.
    folder: PathBuf,
    edited: bool,
}

impl SourceRows {
    /// Reads the CSV file of file source `source`, whose event time column is named in it.
    pub fn read(spec: &PipelineSpec, base_dir: &Path, source: &str) -> Result<Self, String> {
        let node = spec
            .nodes
            .iter()
            .find(|n| n.id == source)
            .ok_or_else(|| format!("the pipeline has no node \"{source}\""))?;
        let NodeKind::FileSource(config) = &node.kind else {
            return Err(format!("\"{source}\" is not a file source"));
        };
        if config.format != FileFormat::Csv || !config.header {
            return Err(format!(
                "\"{source}\" must read CSV with a header row for its rows to be edited"
            ));
        }
        let time = config
            .event_time
            .as_deref()
            .ok_or_else(|| format!("\"{source}\" has no event time"))?;
        let path = base_dir.join(&config.path);
        let mut reader = csv::Reader::from_path(&path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        let header: Vec<String> = reader
            .headers()
            .map_err(|e| format!("{}: {e}", path.display()))?
            .iter()
            .map(str::to_string)
            .collect();
        let time_column = header
            .iter()
            .position(|h| h == time)
            .ok_or_else(|| format!("{} has no column {time}", path.display()))?;
        let mut rows = Vec::new();
        for record in reader.records() {
            let record = record.map_err(|e| format!("{}: {e}", path.display()))?;
            let row: Vec<String> = record.iter().map(str::to_string).collect();
            if row
                .get(time_column)
                .and_then(|t| parse_timestamp(t))
                .is_none()
            {
                return Err(format!(
                    "{} line {}: {time} is not a time",
                    path.display(),
                    rows.len() + 2
                ));
            }
            rows.push(row);
        }
        static FOLDERS: AtomicUsize = AtomicUsize::new(0);
        let folder = std::env::temp_dir().join(format!(
            "streamlab-lesson-{}-{}",
            std::process::id(),
            FOLDERS.fetch_add(1, Ordering::Relaxed)
        ));
        Ok(SourceRows {
            header,
            rows,
            time_column,
            source: source.to_string(),
            folder,
            edited: false,
        })
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Whether the learner changed a row.
    pub fn is_edited(&self) -> bool {
        self.edited
    }

    pub fn event_time(&self, row: usize) -> Option<i64> {
        parse_timestamp(self.rows.get(row)?.get(self.time_column)?)
    }

    /// Gives row `row` (in arrival order) the event time `ms`.
    pub fn set_event_time(&mut self, row: usize, ms: i64) {
        if let Some(cell) = self
            .rows
            .get_mut(row)
            .and_then(|r| r.get_mut(self.time_column))
        {
            *cell = format_timestamp(ms);
            self.edited = true;
        }
    }

    /// Moves row `from` to arrive `to`-th (both from 0).
    pub fn move_row(&mut self, from: usize, to: usize) {
        if from < self.rows.len() && from != to {
            let row = self.rows.remove(from);
            self.rows.insert(to.min(self.rows.len()), row);
            self.edited = true;
        }
    }

    /// The pipeline to run: `spec` itself until a row is edited, then `spec` reading an
    /// edited copy of the file.
    pub fn spec_for_run(&self, spec: &PipelineSpec) -> Result<PipelineSpec, String> {
        if !self.edited {
            return Ok(spec.clone());
        }
        std::fs::create_dir_all(&self.folder)
            .map_err(|e| format!("cannot make {}: {e}", self.folder.display()))?;
        let path = self.folder.join("edited.csv");
        let mut writer = csv::Writer::from_path(&path)
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let write = |w: &mut csv::Writer<std::fs::File>, row: &[String]| {
            w.write_record(row)
                .map_err(|e| format!("cannot write {}: {e}", path.display()))
        };
        write(&mut writer, &self.header)?;
        for row in &self.rows {
            write(&mut writer, row)?;
        }
        writer
            .flush()
            .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
        let mut spec = spec.clone();
        if let Some(NodeKind::FileSource(config)) = spec
            .nodes
            .iter_mut()
            .find(|n| n.id == self.source)
            .map(|n| &mut n.kind)
        {
            config.path = path.to_string_lossy().into_owned();
        }
        Ok(spec)
    }
}

impl Drop for SourceRows {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.folder);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edited_rows_run_from_a_copy_and_the_lesson_file_is_left_alone() {
        let dir = std::env::temp_dir().join(format!("streamlab-rows-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("in.csv");
        std::fs::write(
            &file,
            "ts,v\n2026-01-01 10:00:01,1\n2026-01-01 10:00:02,2\n2026-01-01 10:00:03,3\n",
        )
        .unwrap();
        let spec = engine::spec::parse(
            "(version: 1, name: \"t\", nodes: [(id: \"src\", kind: FileSource(path: \"in.csv\", \
             format: Csv, schema: [(name: \"ts\", type: Timestamp), (name: \"v\", type: Int64)], \
             event_time: \"ts\"))], edges: [])",
        )
        .unwrap();
        let mut rows = SourceRows::read(&spec, &dir, "src").unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(
            rows.spec_for_run(&spec).unwrap(),
            spec,
            "unedited: the file itself"
        );
        rows.set_event_time(0, parse_timestamp("2026-01-01 10:00:09").unwrap());
        rows.move_row(0, 2);
        let edited = rows.spec_for_run(&spec).unwrap();
        let NodeKind::FileSource(c) = &edited.nodes[0].kind else {
            unreachable!()
        };
        let copy = std::fs::read_to_string(&c.path).unwrap();
        assert_eq!(
            copy,
            "ts,v\n2026-01-01 10:00:02,2\n2026-01-01 10:00:03,3\n2026-01-01 10:00:09.000,1\n"
        );
        assert!(
            std::fs::read_to_string(&file)
                .unwrap()
                .starts_with("ts,v\n2026-01-01 10:00:01,1")
        );
        let folder = rows.folder.clone();
        drop(rows);
        assert!(!folder.exists(), "the copy goes with the rows");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
