//! Arbitrary bytes through `raudit sql`'s row extraction: events assembled by the
//! incremental feeder (in two chunks), every table's rows, the flattened batch, and
//! the field splitter behind the `records` view.
//! Checks: no panic; every row has its table's width; the fields of every record
//! are pieces of that record's text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use raudit_sql::db::Batch;
use raudit_sql::feed::Feeder;
use raudit_sql::fields::{body, fields};
use raudit_sql::rows::extract;
use raudit_sql::schema::{EVENTS, PROCESS_EVENTS, PROCESS_FILE_EVENTS, SOCKET_EVENTS, USER_EVENTS};

fuzz_target!(|data: &[u8]| {
    let mut feeder = Feeder::new(2);
    let mut batch = Batch::default();
    let mut check = |ev: &raudit_logfmt::Event| {
        let rows = extract(ev);
        assert_eq!(rows.events.len(), EVENTS.width());
        if let Some(r) = &rows.process {
            assert_eq!(r.len(), PROCESS_EVENTS.width());
        }
        if let Some(r) = &rows.socket {
            assert_eq!(r.len(), SOCKET_EVENTS.width());
        }
        for r in &rows.user {
            assert_eq!(r.len(), USER_EVENTS.width());
        }
        for r in &rows.files {
            assert_eq!(r.len(), PROCESS_FILE_EVENTS.width());
        }
        for rec in ev.records() {
            let range = rec.msg.as_ptr_range();
            for f in fields(body(rec.msg)) {
                assert!(range.contains(&f.name.as_ptr()) || f.name.is_empty());
                assert!(f.value.is_empty() || range.contains(&f.value.as_ptr()));
            }
        }
        batch.push(ev);
    };
    let cut = data.len() / 3;
    feeder.start_file(0, 0);
    for chunk in [&data[..cut], &data[cut..]] {
        feeder.feed(chunk, &mut check);
    }
    feeder.end_file(&mut check);
    feeder.finish(&mut check);
});
