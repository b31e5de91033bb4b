//! The Nexmark event generator: a port of the one in the Flink Nexmark benchmark
//! (`com.github.nexmark.flink.generator`, itself derived from Apache Beam's Nexmark
//! `GeneratorConfig`/`Generator`).
//!
//! The stream is a pure function of the configuration. Event *number* `n` (0, 1, 2, ...)
//! gets the event-time timestamp `base_time_ms + (n * inter_event_delay_us) / 1000` with
//! `inter_event_delay_us = 1_000_000 / first_event_rate`, and the event *id*
//! `first_event_id + n` (shuffled within groups of `out_of_order_group_size` numbers). The id
//! decides the kind (`id % 50`: 0 is a person, 1..=3 an auction, 4..=49 a bid, with the
//! default 1/3/46 proportions), the person/auction ids it carries, and seeds the
//! `java.util.Random` that draws all of its other fields. Every field is drawn the way the
//! Java code draws it, in the same order, from a bit-exact port of `java.util.Random`, so
//! with `seed == 0` the events are the ones the Java generator produces for the same
//! configuration (see "Differences from the Java generator" below for the exceptions).
//!
//! Because every event depends only on its number, the stream can be split among parallel
//! instances ([`NexmarkGenerator::with_split`]) and events can be skipped in O(1)
//! ([`NexmarkGenerator::skip`]).
//!
//! # Which Java version
//!
//! The Flink benchmark's generator changed over time. This port follows:
//! * the original Flink version (and Beam) for the random numbers: a fresh
//!   `new java.util.Random(eventId)` for every event. Later upstream versions draw from one
//!   unseeded `Random` (or a `SplittableRandom`) shared by all events, which makes their
//!   output differ from run to run, so there is nothing to reproduce there.
//! * the later version for the bid's `channel` and `url` fields (drawn after the price and
//!   before the padding, as upstream does).
//!
//! # Differences from the Java generator
//!
//! * `seed`: the per-event `Random` is seeded with `event_id ^ mix64(seed)` where `mix64` is
//!   the SplitMix64 finalizer. `mix64(0) == 0`, so `seed == 0` seeds with the plain event id,
//!   exactly like Java; any other seed gives a different, equally well distributed stream.
//! * Channel URLs: upstream builds the four "hot" URLs and the URL of each of the 10,000
//!   channels from unseeded `new Random()` instances, i.e. differently in every JVM. Here they
//!   are built the same way but from fixed seeds (channel `c` from `new Random(c)`, which
//!   also decides whether a `&channel_id=` suffix is appended; hot URL `i` from
//!   `new Random(-1 - i)`), so they are stable. Which channel a bid picks is drawn from the
//!   event's `Random` exactly as upstream does.
//! * Bidder ids: the upstream version with channels adds `FIRST_PERSON_ID` to the bidder
//!   twice (nexmark/nexmark issue #30), so its bidders are 1000 above any generated person.
//!   The original version and Beam add it once; so does this port by default. Set
//!   [`GeneratorConfig::double_bidder_offset`] to reproduce the upstream quirk.
//! * Parallelism: Java splits a generator into sub-generators with contiguous blocks of
//!   event ids, each on its own timeline at `first_event_rate / parallelism`. Here instance
//!   `i` of `p` takes every `p`-th event of the single generator's stream
//!   ([`NexmarkGenerator::with_split`]), so `first_event_rate` is always the overall rate and
//!   `p` instances together produce exactly the single generator's events.
//! * Not ported: the "extended bid" mode, wallclock pacing (the caller paces by timestamp),
//!   and rate shapes (the Flink generator only ever uses `first_event_rate` anyway).
//! * Prices use `10f64.powf(x)`, Java uses `Math.pow`; both are within an ulp of the true
//!   value, and the price is rounded to whole cents afterwards.

use std::sync::OnceLock;

/// Id of the first person (Java `GeneratorConfig.FIRST_PERSON_ID`).
pub const FIRST_PERSON_ID: i64 = 1000;
/// Id of the first auction (Java `GeneratorConfig.FIRST_AUCTION_ID`).
pub const FIRST_AUCTION_ID: i64 = 1000;
/// Id of the first category (Java `GeneratorConfig.FIRST_CATEGORY_ID`).
pub const FIRST_CATEGORY_ID: i64 = 10;
/// Number of categories, kept small so that queries find matches (Java `NUM_CATEGORIES`).
pub const NUM_CATEGORIES: i64 = 5;

/// Number of yet-to-be-created people / auctions a bid or auction may refer to.
const PERSON_ID_LEAD: i64 = 10;
const AUCTION_ID_LEAD: i64 = 10;
/// Hot sellers, auctions and bidders are the first (second, for bidders) of each batch of
/// this many people / auctions.
const HOT_SELLER_RATIO: i64 = 100;
const HOT_AUCTION_RATIO: i64 = 100;
const HOT_BIDDER_RATIO: i64 = 100;
/// One bid in this many uses one of the 10,000 ordinary channels, the rest a hot one.
const HOT_CHANNELS_RATIO: i32 = 2;
const CHANNELS_NUMBER: i32 = 10_000;
const HOT_CHANNELS: [&str; 4] = ["Google", "Facebook", "Baidu", "Apple"];
/// Smallest length of a random string before trimming.
const MIN_STRING_LENGTH: i32 = 3;

const US_STATES: [&str; 6] = ["AZ", "CA", "ID", "OR", "WA", "WY"];
const US_CITIES: [&str; 10] = [
    "Phoenix",
    "Los Angeles",
    "San Francisco",
    "Boise",
    "Portland",
    "Bend",
    "Redmond",
    "Seattle",
    "Kent",
    "Cheyenne",
];
const FIRST_NAMES: [&str; 11] = [
    "Peter", "Paul", "Luke", "John", "Saul", "Vicky", "Kate", "Julie", "Sarah", "Deiter", "Walter",
];
const LAST_NAMES: [&str; 9] = [
    "Shultz", "Abrams", "Spencer", "White", "Bartels", "Walton", "Smith", "Jones", "Noris",
];

/// Parameters of the generated stream. Field defaults are the Java defaults
/// (`NexmarkConfiguration`), except `base_time_ms` (Java: wall clock at start).
#[derive(Debug, Clone, PartialEq)]
pub struct GeneratorConfig {
    /// Events per second, used to space event timestamps (Java default 10,000).
    pub first_event_rate: u64,
    /// Timestamp of event number 0, in ms since the epoch.
    pub base_time_ms: i64,
    /// Number of events of the whole stream. `None` is what Java does for `numEvents = 0`:
    /// `i64::MAX / (total proportion * largest average event size)` events, about 3.7e14
    /// with the defaults, i.e. unbounded in practice.
    pub max_events: Option<u64>,
    /// Mixed into every event's random seed; 0 reproduces the Java generator.
    pub seed: u64,
    /// Id of event number 0 (Java `firstEventId`). 0 here and in Beam; Flink's SQL table
    /// source uses 1 together with `first_event_number = 1`.
    pub first_event_id: u64,
    /// Number of the first event (Java `firstEventNumber`): the stream is events
    /// `first_event_number .. first_event_number + max_events`.
    pub first_event_number: u64,
    /// Persons / auctions / bids per `person + auction + bid` consecutive event ids.
    pub person_proportion: u32,
    pub auction_proportion: u32,
    pub bid_proportion: u32,
    /// Average idealized event sizes in bytes; the `extra` field pads events to them.
    pub avg_person_byte_size: u32,
    pub avg_auction_byte_size: u32,
    pub avg_bid_byte_size: u32,
    /// All but 1 in `hot_auction_ratio` bids go to a hot auction.
    pub hot_auction_ratio: u32,
    /// All but 1 in `hot_sellers_ratio` auctions are by a hot seller.
    pub hot_sellers_ratio: u32,
    /// All but 1 in `hot_bidders_ratio` bids are by a hot bidder.
    pub hot_bidders_ratio: u32,
    /// Average number of auctions in flight; sets auction lengths and which auctions
    /// non-hot bids go to.
    pub num_in_flight_auctions: u32,
    /// Number of most recent people that non-hot sellers and bidders are drawn from.
    pub num_active_people: u32,
    /// Events come in groups of this many whose timestamps (and ids) are shuffled within
    /// the group; 1 means in order.
    pub out_of_order_group_size: u64,
    /// Add `FIRST_PERSON_ID` to bidder ids twice, as the upstream Flink generator with bid
    /// channels does (its bidders then match no generated person). Default `false`.
    pub double_bidder_offset: bool,
}

impl Default for GeneratorConfig {
    fn default() -> Self {
        GeneratorConfig {
            first_event_rate: 10_000,
            base_time_ms: 0,
            max_events: None,
            seed: 0,
            first_event_id: 0,
            first_event_number: 0,
            person_proportion: 1,
            auction_proportion: 3,
            bid_proportion: 46,
            avg_person_byte_size: 200,
            avg_auction_byte_size: 500,
            avg_bid_byte_size: 100,
            hot_auction_ratio: 2,
            hot_sellers_ratio: 4,
            hot_bidders_ratio: 4,
            num_in_flight_auctions: 100,
            num_active_people: 1000,
            out_of_order_group_size: 1,
            double_bidder_offset: false,
        }
    }
}

/// A new person (`dateTime` in ms since the epoch).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Person {
    pub id: i64,
    pub name: String,
    pub email_address: String,
    pub credit_card: String,
    pub city: String,
    pub state: String,
    pub date_time: i64,
    pub extra: String,
}

/// A new auction; prices are in cents, times in ms since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Auction {
    pub id: i64,
    pub item_name: String,
    pub description: String,
    pub initial_bid: i64,
    pub reserve: i64,
    pub date_time: i64,
    pub expires: i64,
    pub seller: i64,
    pub category: i64,
    pub extra: String,
}

/// A bid on an auction; the price is in cents, the time in ms since the epoch.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Bid {
    pub auction: i64,
    pub bidder: i64,
    pub price: i64,
    pub channel: String,
    pub url: String,
    pub date_time: i64,
    pub extra: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Event {
    Person(Person),
    Auction(Auction),
    Bid(Bid),
}

impl Event {
    pub fn kind(&self) -> EventKind {
        match self {
            Event::Person(_) => EventKind::Person,
            Event::Auction(_) => EventKind::Auction,
            Event::Bid(_) => EventKind::Bid,
        }
    }

    /// The event-time timestamp, in ms since the epoch.
    pub fn date_time(&self) -> i64 {
        match self {
            Event::Person(p) => p.date_time,
            Event::Auction(a) => a.date_time,
            Event::Bid(b) => b.date_time,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventKind {
    Person,
    Auction,
    Bid,
}

/// Generates the Nexmark event stream, or every `stride`-th event of it.
#[derive(Debug, Clone)]
pub struct NexmarkGenerator {
    params: Params,
    /// Index of the next event in the whole stream (Java's `eventsCountSoFar` of the single
    /// generator): its event number is `first_event_number + next_index`.
    next_index: u64,
    stride: u64,
    events_so_far: u64,
}

impl NexmarkGenerator {
    /// The whole stream.
    ///
    /// # Panics
    /// If the configuration is unusable: a zero rate, proportion total, hot ratio or group
    /// size, or a value that does not fit the Java `int` it stands for.
    pub fn new(config: GeneratorConfig) -> Self {
        Self::with_split(config, 0, 1)
    }

    /// Starts at the stream's event `first` (counted from 0, i.e. from `first_event_number`)
    /// and advances by `stride`, so `p` parallel instances (first = subtask index,
    /// stride = p) together produce exactly the single generator's events, each once, with
    /// the single stream's timestamps. `max_events` bounds the whole stream, not an instance.
    ///
    /// # Panics
    /// As [`NexmarkGenerator::new`], and if `stride` is 0.
    pub fn with_split(config: GeneratorConfig, first: u64, stride: u64) -> Self {
        assert!(stride > 0, "Nexmark generator stride must be positive");
        NexmarkGenerator {
            params: Params::new(&config),
            next_index: first,
            stride,
            events_so_far: 0,
        }
    }

    pub fn has_next(&self) -> bool {
        self.next_index < self.params.max_events
    }

    /// Builds the next event of this instance.
    pub fn next_event(&mut self) -> Option<Event> {
        if !self.has_next() {
            return None;
        }
        let p = &self.params;
        let adjusted = p.adjusted_event_number(self.event_number());
        let timestamp = p.timestamp_for_event(adjusted);
        let event_id = p.first_event_id.wrapping_add(adjusted);
        let mut random = JavaRandom::new(event_id ^ p.seed_mix);
        let event = match p.kind_of(event_id) {
            EventKind::Person => Event::Person(p.next_person(event_id, &mut random, timestamp)),
            EventKind::Auction => {
                Event::Auction(p.next_auction(adjusted, event_id, &mut random, timestamp))
            }
            EventKind::Bid => Event::Bid(p.next_bid(event_id, &mut random, timestamp)),
        };
        self.advance();
        Some(event)
    }

    /// Kind of the next event, without generating it.
    pub fn next_kind(&self) -> Option<EventKind> {
        if !self.has_next() {
            return None;
        }
        let p = &self.params;
        let adjusted = p.adjusted_event_number(self.event_number());
        Some(p.kind_of(p.first_event_id.wrapping_add(adjusted)))
    }

    /// Event-time timestamp of the next event, without generating it.
    pub fn next_timestamp(&self) -> Option<i64> {
        if !self.has_next() {
            return None;
        }
        let p = &self.params;
        Some(p.timestamp_for_event(p.adjusted_event_number(self.event_number())))
    }

    /// A lower bound on the timestamps of the next event and all after it (Java's
    /// `NextEvent.watermark`); equal to [`NexmarkGenerator::next_timestamp`] when
    /// `out_of_order_group_size` is 1.
    pub fn watermark(&self) -> Option<i64> {
        if !self.has_next() {
            return None;
        }
        let p = &self.params;
        let n = self.event_number();
        let g = p.out_of_order_group_size;
        Some(p.timestamp_for_event((n / g) * g))
    }

    /// Advances past the next event without building it. O(1).
    pub fn skip(&mut self) {
        if self.has_next() {
            self.advance();
        }
    }

    /// Number of events this instance has generated or skipped.
    /// Where the generator is: the next event's index and the events generated so far.
    pub fn position(&self) -> (u64, u64) {
        (self.next_index, self.events_so_far)
    }

    /// Goes on from a [`NexmarkGenerator::position`]: every event is a function of its index.
    pub fn set_position(&mut self, (next_index, events_so_far): (u64, u64)) {
        self.next_index = next_index;
        self.events_so_far = events_so_far;
    }

    pub fn events_so_far(&self) -> u64 {
        self.events_so_far
    }

    /// The remaining events as an iterator. (`NexmarkGenerator` is deliberately not an
    /// `Iterator` itself, so that `skip()` is never taken for `Iterator::skip`.)
    pub fn into_events(mut self) -> impl Iterator<Item = Event> {
        std::iter::from_fn(move || self.next_event())
    }

    fn event_number(&self) -> i64 {
        self.params
            .first_event_number
            .wrapping_add(self.next_index as i64)
    }

    fn advance(&mut self) {
        self.next_index = self.next_index.saturating_add(self.stride);
        self.events_so_far += 1;
    }
}

/// The configuration in the Java types the generator computes with.
#[derive(Debug, Clone)]
struct Params {
    base_time: i64,
    first_event_id: i64,
    first_event_number: i64,
    max_events: u64,
    seed_mix: i64,
    person_proportion: i64,
    auction_proportion: i64,
    total_proportion: i64,
    inter_event_delay_us: f64,
    avg_person_byte_size: i32,
    avg_auction_byte_size: i32,
    avg_bid_byte_size: i32,
    hot_auction_ratio: i32,
    hot_sellers_ratio: i32,
    hot_bidders_ratio: i32,
    num_in_flight_auctions: i64,
    num_active_people: i64,
    out_of_order_group_size: i64,
    double_bidder_offset: bool,
}

fn java_int(value: u32, what: &str) -> i32 {
    i32::try_from(value).unwrap_or_else(|_| panic!("Nexmark {what} {value} exceeds i32::MAX"))
}

impl Params {
    fn new(c: &GeneratorConfig) -> Self {
        assert!(
            c.first_event_rate > 0,
            "Nexmark first_event_rate must be positive"
        );
        assert!(
            c.out_of_order_group_size > 0 && c.out_of_order_group_size <= i64::MAX as u64,
            "Nexmark out_of_order_group_size must be positive"
        );
        let person = java_int(c.person_proportion, "person_proportion");
        let auction = java_int(c.auction_proportion, "auction_proportion");
        let bid = java_int(c.bid_proportion, "bid_proportion");
        let total = i64::from(person) + i64::from(auction) + i64::from(bid);
        assert!(total > 0, "Nexmark event proportions must not all be 0");
        let hot_auction_ratio = java_int(c.hot_auction_ratio, "hot_auction_ratio");
        let hot_sellers_ratio = java_int(c.hot_sellers_ratio, "hot_sellers_ratio");
        let hot_bidders_ratio = java_int(c.hot_bidders_ratio, "hot_bidders_ratio");
        assert!(
            hot_auction_ratio > 0 && hot_sellers_ratio > 0 && hot_bidders_ratio > 0,
            "Nexmark hot ratios must be positive"
        );
        let avg_person_byte_size = java_int(c.avg_person_byte_size, "avg_person_byte_size");
        let avg_auction_byte_size = java_int(c.avg_auction_byte_size, "avg_auction_byte_size");
        let avg_bid_byte_size = java_int(c.avg_bid_byte_size, "avg_bid_byte_size");
        let max_events = c.max_events.unwrap_or_else(|| {
            let largest = avg_person_byte_size
                .max(avg_auction_byte_size)
                .max(avg_bid_byte_size)
                .max(1);
            (i64::MAX / (total * i64::from(largest))) as u64
        });
        Params {
            base_time: c.base_time_ms,
            first_event_id: c.first_event_id as i64,
            first_event_number: c.first_event_number as i64,
            max_events,
            seed_mix: mix64(c.seed) as i64,
            person_proportion: i64::from(person),
            auction_proportion: i64::from(auction),
            total_proportion: total,
            // Java: 1000000.0 / firstEventRate * numEventGenerators, with one generator.
            inter_event_delay_us: 1_000_000.0 / c.first_event_rate as f64,
            avg_person_byte_size,
            avg_auction_byte_size,
            avg_bid_byte_size,
            hot_auction_ratio,
            hot_sellers_ratio,
            hot_bidders_ratio,
            num_in_flight_auctions: i64::from(java_int(
                c.num_in_flight_auctions,
                "num_in_flight_auctions",
            )),
            num_active_people: i64::from(java_int(c.num_active_people, "num_active_people")),
            out_of_order_group_size: c.out_of_order_group_size as i64,
            double_bidder_offset: c.double_bidder_offset,
        }
    }

    /// Java `GeneratorConfig.nextAdjustedEventNumber`: shuffles numbers within groups.
    fn adjusted_event_number(&self, event_number: i64) -> i64 {
        let n = self.out_of_order_group_size;
        let base = (event_number / n) * n;
        let offset = event_number.wrapping_mul(953) % n;
        base + offset
    }

    /// Java `GeneratorConfig.timestampForEvent`.
    fn timestamp_for_event(&self, event_number: i64) -> i64 {
        let us = (event_number as f64 * self.inter_event_delay_us) as i64;
        self.base_time.wrapping_add(us / 1000)
    }

    fn kind_of(&self, event_id: i64) -> EventKind {
        let rem = event_id % self.total_proportion;
        if rem < self.person_proportion {
            EventKind::Person
        } else if rem < self.person_proportion + self.auction_proportion {
            EventKind::Auction
        } else {
            EventKind::Bid
        }
    }

    /// Java `PersonGenerator.lastBase0PersonId`: the last person id (from 0) generated at or
    /// before `event_id`.
    fn last_base0_person_id(&self, event_id: i64) -> i64 {
        let epoch = event_id / self.total_proportion;
        let mut offset = event_id % self.total_proportion;
        if offset >= self.person_proportion {
            offset = self.person_proportion - 1;
        }
        epoch * self.person_proportion + offset
    }

    /// Java `AuctionGenerator.lastBase0AuctionId`.
    fn last_base0_auction_id(&self, event_id: i64) -> i64 {
        let mut epoch = event_id / self.total_proportion;
        let mut offset = event_id % self.total_proportion;
        if offset < self.person_proportion {
            epoch -= 1;
            offset = self.auction_proportion - 1;
        } else if offset >= self.person_proportion + self.auction_proportion {
            offset = self.auction_proportion - 1;
        } else {
            offset -= self.person_proportion;
        }
        epoch * self.auction_proportion + offset
    }

    /// Java `PersonGenerator.nextBase0PersonId`: one of the active people, or a few ahead.
    fn next_base0_person_id(&self, event_id: i64, random: &mut JavaRandom) -> i64 {
        let num_people = self.last_base0_person_id(event_id) + 1;
        let active_people = num_people.min(self.num_active_people);
        let n = next_long(random, active_people + PERSON_ID_LEAD);
        num_people - active_people + n
    }

    /// Java `AuctionGenerator.nextBase0AuctionId`: one likely still in flight, or a few ahead.
    fn next_base0_auction_id(&self, event_id: i64, random: &mut JavaRandom) -> i64 {
        let max_auction = self.last_base0_auction_id(event_id);
        let min_auction = (max_auction - self.num_in_flight_auctions).max(0);
        min_auction + next_long(random, max_auction - min_auction + 1 + AUCTION_ID_LEAD)
    }

    /// Java `PersonGenerator.nextPerson`.
    fn next_person(&self, event_id: i64, random: &mut JavaRandom, timestamp: i64) -> Person {
        let id = self.last_base0_person_id(event_id) + FIRST_PERSON_ID;
        let first = FIRST_NAMES[random.next_int(FIRST_NAMES.len() as i32) as usize];
        let last = LAST_NAMES[random.next_int(LAST_NAMES.len() as i32) as usize];
        let mut name = String::with_capacity(first.len() + 1 + last.len());
        name.push_str(first);
        name.push(' ');
        name.push_str(last);
        let email_address = next_email(random);
        let credit_card = next_credit_card(random);
        let city = US_CITIES[random.next_int(US_CITIES.len() as i32) as usize];
        let state = US_STATES[random.next_int(US_STATES.len() as i32) as usize];
        let current_size = 8
            + (name.len() + email_address.len() + credit_card.len() + city.len() + state.len())
                as i32;
        let extra = next_extra(random, current_size, self.avg_person_byte_size);
        Person {
            id,
            name,
            email_address,
            credit_card,
            city: city.to_string(),
            state: state.to_string(),
            date_time: timestamp,
            extra,
        }
    }

    /// Java `AuctionGenerator.nextAuction`; `adjusted` is the event's (adjusted) number.
    fn next_auction(
        &self,
        adjusted: i64,
        event_id: i64,
        random: &mut JavaRandom,
        timestamp: i64,
    ) -> Auction {
        let id = self.last_base0_auction_id(event_id) + FIRST_AUCTION_ID;
        let seller = if random.next_int(self.hot_sellers_ratio) > 0 {
            // The first person of the batch of the last HOT_SELLER_RATIO people.
            (self.last_base0_person_id(event_id) / HOT_SELLER_RATIO) * HOT_SELLER_RATIO
        } else {
            self.next_base0_person_id(event_id, random)
        } + FIRST_PERSON_ID;
        let category = FIRST_CATEGORY_ID + i64::from(random.next_int(NUM_CATEGORIES as i32));
        let initial_bid = next_price(random);
        let expires = timestamp + self.next_auction_length_ms(adjusted, random, timestamp);
        let item_name = next_string(random, 20, ' ');
        let description = next_string(random, 100, ' ');
        let reserve = initial_bid + next_price(random);
        let current_size =
            8 + item_name.len() as i32 + description.len() as i32 + 8 + 8 + 8 + 8 + 8;
        let extra = next_extra(random, current_size, self.avg_auction_byte_size);
        Auction {
            id,
            item_name,
            description,
            initial_bid,
            reserve,
            date_time: timestamp,
            expires,
            seller,
            category,
            extra,
        }
    }

    /// Java `AuctionGenerator.nextAuctionLengthMs`: on average the time until
    /// `num_in_flight_auctions` more auctions have been generated.
    fn next_auction_length_ms(
        &self,
        adjusted: i64,
        random: &mut JavaRandom,
        timestamp: i64,
    ) -> i64 {
        let num_events_for_auctions =
            (self.num_in_flight_auctions * self.total_proportion) / self.auction_proportion;
        let future_auction = self.timestamp_for_event(adjusted + num_events_for_auctions);
        let horizon_ms = future_auction - timestamp;
        1 + next_long(random, (horizon_ms * 2).max(1))
    }

    /// Java `BidGenerator.nextBid`.
    fn next_bid(&self, event_id: i64, random: &mut JavaRandom, timestamp: i64) -> Bid {
        let auction = if random.next_int(self.hot_auction_ratio) > 0 {
            // The first auction of the batch of the last HOT_AUCTION_RATIO auctions.
            (self.last_base0_auction_id(event_id) / HOT_AUCTION_RATIO) * HOT_AUCTION_RATIO
        } else {
            self.next_base0_auction_id(event_id, random)
        } + FIRST_AUCTION_ID;
        let mut bidder = if random.next_int(self.hot_bidders_ratio) > 0 {
            // The second person of the batch, so that hot bidders and hot sellers differ.
            (self.last_base0_person_id(event_id) / HOT_BIDDER_RATIO) * HOT_BIDDER_RATIO + 1
        } else {
            self.next_base0_person_id(event_id, random)
        } + FIRST_PERSON_ID;
        let price = next_price(random);
        let channels = channel_table();
        let (channel, url) = if random.next_int(HOT_CHANNELS_RATIO) > 0 {
            let i = random.next_int(HOT_CHANNELS.len() as i32) as usize;
            (HOT_CHANNELS[i].to_string(), channels.hot_urls[i].clone())
        } else {
            let (channel, url) = &channels.channels[random.next_int(CHANNELS_NUMBER) as usize];
            (channel.clone(), url.clone())
        };
        if self.double_bidder_offset {
            bidder += FIRST_PERSON_ID;
        }
        let extra = next_extra(random, 8 + 8 + 8 + 8, self.avg_bid_byte_size);
        Bid {
            auction,
            bidder,
            price,
            channel,
            url,
            date_time: timestamp,
            extra,
        }
    }
}

/// Names and URLs of the bid channels, built once per process.
struct ChannelTable {
    hot_urls: [String; 4],
    /// `(channel-N, url)` for each channel number N.
    channels: Vec<(String, String)>,
}

fn channel_table() -> &'static ChannelTable {
    static TABLE: OnceLock<ChannelTable> = OnceLock::new();
    TABLE.get_or_init(|| ChannelTable {
        hot_urls: std::array::from_fn(|i| base_url(&mut JavaRandom::new(-1 - i as i64))),
        channels: (0..CHANNELS_NUMBER)
            .map(|c| {
                let mut random = JavaRandom::new(i64::from(c));
                let mut url = base_url(&mut random);
                if random.next_int(10) > 0 {
                    // Java: Math.abs(Integer.reverse(channelNumber)), overflow included.
                    url.push_str("&channel_id=");
                    url.push_str(&c.reverse_bits().wrapping_abs().to_string());
                }
                (format!("channel-{c}"), url)
            })
            .collect(),
    })
}

/// Java `BidGenerator.getBaseUrl`.
fn base_url(random: &mut JavaRandom) -> String {
    let mut url = String::with_capacity(64);
    url.push_str("https://www.nexmark.com/");
    for _ in 0..3 {
        url.push_str(&next_string(random, 5, '_'));
        url.push('/');
    }
    url.push_str("item.htm?query=1");
    url
}

/// Java `PersonGenerator.nextEmail`.
fn next_email(random: &mut JavaRandom) -> String {
    let mut email = next_string(random, 7, ' ');
    email.push('@');
    email.push_str(&next_string(random, 5, ' '));
    email.push_str(".com");
    email
}

/// Java `PersonGenerator.nextCreditCard`: four `%04d` groups separated by spaces.
fn next_credit_card(random: &mut JavaRandom) -> String {
    let mut card = String::with_capacity(19);
    for i in 0..4 {
        if i > 0 {
            card.push(' ');
        }
        let group = random.next_int(10_000);
        for div in [1000, 100, 10, 1] {
            card.push(char::from(b'0' + (group / div % 10) as u8));
        }
    }
    card
}

/// Java `PriceGenerator.nextPrice`: cents, log-uniform between 1.00 and 1,000,000.00.
fn next_price(random: &mut JavaRandom) -> i64 {
    (10f64.powf(random.next_double() * 6.0) * 100.0).round() as i64
}

/// Java `LongGenerator.nextLong`: a long in `[0, n)`.
fn next_long(random: &mut JavaRandom, n: i64) -> i64 {
    if n < i64::from(i32::MAX) {
        i64::from(random.next_int(n as i32))
    } else {
        random.next_long().wrapping_rem(n).wrapping_abs()
    }
}

/// Java `StringsGenerator.nextString`: 3 to `max_length - 1` lower-case letters, about one
/// in 13 replaced by `special`, then trimmed like `String.trim()`.
fn next_string(random: &mut JavaRandom, max_length: i32, special: char) -> String {
    let len = MIN_STRING_LENGTH + random.next_int(max_length - MIN_STRING_LENGTH);
    let mut s = String::with_capacity(len as usize);
    for _ in 0..len {
        if random.next_int(13) == 0 {
            s.push(special);
        } else {
            s.push(char::from(b'a' + random.next_int(26) as u8));
        }
    }
    // String.trim() strips characters up to and including ' ' at both ends.
    let end = s.trim_end_matches(|c| c <= ' ').len();
    s.truncate(end);
    let start = s.len() - s.trim_start_matches(|c| c <= ' ').len();
    s.drain(..start);
    s
}

/// Java `StringsGenerator.nextExactString`: six characters per `nextInt()`, taken from the
/// signed remainder, so they range over `'H'..='z'` (Java quirk, kept).
fn next_exact_string(random: &mut JavaRandom, length: i32) -> String {
    let mut s = String::with_capacity(length.max(0) as usize);
    let mut rnd: i32 = 0;
    let mut n = 0;
    for _ in 0..length {
        if n == 0 {
            rnd = random.next_i32();
            n = 6;
        }
        s.push(char::from((i32::from(b'a') + rnd % 26) as u8));
        rnd /= 26;
        n -= 1;
    }
    s
}

/// Java `StringsGenerator.nextExtra`: padding so that `current_size` plus its length is on
/// average `desired_average_size`.
fn next_extra(random: &mut JavaRandom, current_size: i32, desired_average_size: i32) -> String {
    if current_size > desired_average_size {
        return String::new();
    }
    let desired = desired_average_size - current_size;
    // Java Math.round; the argument is never negative here, where f64::round agrees.
    let delta = (f64::from(desired) * 0.2).round() as i32;
    let min_size = desired - delta;
    let size = min_size
        + if delta == 0 {
            0
        } else {
            random.next_int(2 * delta)
        };
    next_exact_string(random, size)
}

/// SplitMix64's finalizer; a bijection with `mix64(0) == 0`.
fn mix64(seed: u64) -> u64 {
    let mut z = seed;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Bit-exact port of `java.util.Random` (48-bit linear congruential generator).
#[derive(Debug, Clone)]
struct JavaRandom {
    seed: i64,
}

impl JavaRandom {
    const MULTIPLIER: i64 = 0x5_DEEC_E66D;
    const ADDEND: i64 = 0xB;
    const MASK: i64 = (1 << 48) - 1;

    /// `new Random(seed)`.
    fn new(seed: i64) -> Self {
        JavaRandom {
            seed: (seed ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    /// `next(bits)`: the top `bits` bits of the next 48-bit state.
    fn next(&mut self, bits: u32) -> i32 {
        self.seed = (self
            .seed
            .wrapping_mul(Self::MULTIPLIER)
            .wrapping_add(Self::ADDEND))
            & Self::MASK;
        (self.seed >> (48 - bits)) as i32
    }

    /// `nextInt()`.
    fn next_i32(&mut self) -> i32 {
        self.next(32)
    }

    /// `nextInt(bound)`, with Java's rejection of the uneven top range.
    fn next_int(&mut self, bound: i32) -> i32 {
        assert!(bound > 0, "bound must be positive");
        let mut r = self.next(31);
        let m = bound - 1;
        if bound & m == 0 {
            return ((i64::from(bound) * i64::from(r)) >> 31) as i32;
        }
        let mut u = r;
        loop {
            r = u % bound;
            if u.wrapping_sub(r).wrapping_add(m) >= 0 {
                return r;
            }
            u = self.next(31);
        }
    }

    /// `nextLong()`.
    fn next_long(&mut self) -> i64 {
        let high = i64::from(self.next(32)) << 32;
        high.wrapping_add(i64::from(self.next(32)))
    }

    /// `nextDouble()`: 53 random bits scaled to `[0, 1)`.
    fn next_double(&mut self) -> f64 {
        let high = i64::from(self.next(26)) << 27;
        (high + i64::from(self.next(27))) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One line per event, in the format of the Java cross-check program.
    fn line(event: &Event) -> String {
        match event {
            Event::Person(p) => format!(
                "P|{}|{}|{}|{}|{}|{}|{}|{}",
                p.id, p.name, p.email_address, p.credit_card, p.city, p.state, p.date_time, p.extra
            ),
            Event::Auction(a) => format!(
                "A|{}|{}|{}|{}|{}|{}|{}|{}|{}|{}",
                a.id,
                a.item_name,
                a.description,
                a.initial_bid,
                a.reserve,
                a.date_time,
                a.expires,
                a.seller,
                a.category,
                a.extra
            ),
            Event::Bid(b) => format!(
                "B|{}|{}|{}|{}|{}|{}|{}",
                b.auction, b.bidder, b.price, b.channel, b.url, b.date_time, b.extra
            ),
        }
    }

    fn config(max_events: u64) -> GeneratorConfig {
        GeneratorConfig {
            max_events: Some(max_events),
            ..GeneratorConfig::default()
        }
    }

    /// FNV-1a over the events' lines, each followed by a newline.
    fn digest(events: impl Iterator<Item = Event>) -> u64 {
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for event in events {
            for byte in line(&event).bytes().chain([b'\n']) {
                hash = (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3);
            }
        }
        hash
    }

    #[test]
    fn java_random_matches_jdk() {
        // Values printed by OpenJDK 17's java.util.Random.
        assert_eq!(JavaRandom::new(42).next_i32(), -1_170_105_035);
        assert_eq!(JavaRandom::new(0).next_i32(), -1_155_484_576);
        let mut r = JavaRandom::new(42);
        let tens: Vec<i32> = (0..10).map(|_| r.next_int(10)).collect();
        assert_eq!(tens, [0, 3, 8, 4, 0, 5, 5, 8, 9, 3]);
        assert_eq!(JavaRandom::new(0).next_long(), -4_962_768_465_676_381_896);
        assert_eq!(JavaRandom::new(42).next_long(), -5_025_562_857_975_149_833);
        assert_eq!(JavaRandom::new(0).next_double(), 0.730967787376657);
        assert_eq!(JavaRandom::new(42).next_double(), 0.7275636800328681);
        // Power-of-two bound (multiply-shift path).
        let mut r = JavaRandom::new(-7);
        let pow2: Vec<i32> = (0..5).map(|_| r.next_int(1 << 20)).collect();
        assert_eq!(pow2, [282_194, 945_288, 705_881, 991_790, 546_821]);
        // A bound near 2^31, where the rejection loop matters.
        let mut r = JavaRandom::new(123_456_789);
        let big: Vec<i32> = (0..5).map(|_| r.next_int(2_000_000_001)).collect();
        assert_eq!(
            big,
            [
                1_426_010_965,
                1_639_209_600,
                981_296_483,
                547_328_344,
                838_606_290
            ]
        );
    }

    /// The first events of the default stream, as printed by a Java transcription of the
    /// upstream generator running on the JDK's `Random` and `Math` (see module docs).
    #[test]
    fn default_stream_matches_java() {
        let events: Vec<Event> = NexmarkGenerator::new(config(60)).into_events().collect();
        assert_eq!(
            events[0],
            Event::Person(Person {
                id: 1000,
                name: "Peter Jones".into(),
                email_address: "nhd@xcat.com".into(),
                credit_card: "7241 7320 9143 4888".into(),
                city: "Portland".into(),
                state: "WY".into(),
                date_time: 0,
                extra: "WN_HS_bnpkkiwhwana_L^`KZjdgsid`K]MLU[aaOH`ztxbulvlxtkn_ZZ^T\\mqgdjzvlkymsmfr\
                        hkfVYSXK_OY[aVYVKa\\X^]RO]OYguwiduWJNQLLaMLHOTaHY_J[YKWaUOSJN_VHWXZ]`SgbnjqeVVQ\\[["
                    .into(),
            })
        );
        let Event::Auction(a) = &events[3] else {
            panic!("event 3 is {:?}", events[3]);
        };
        assert_eq!(
            (a.id, a.item_name.as_str(), a.initial_bid, a.reserve),
            (1002, "gxycmhtobprpd", 267, 422_398)
        );
        assert_eq!(
            (a.date_time, a.expires, a.seller, a.category),
            (0, 1, 1000, 10)
        );
        assert_eq!(
            a.description,
            "ybjpocsabdbtiqzhbupw ihlxbsqjkmp lbupz bcqnghg fojwfqs"
        );
        assert_eq!(
            line(&events[4]),
            "B|1000|1001|32530001|Google|https://www.nexmark.com/jol/liu/fmf/item.htm?query=1|0|\
             sbolvyqwgticfdrwdyiyofziYMU\\Z`UaTQO][NX\\RM]WPYTOuwogvszlx"
        );
        assert_eq!(
            line(&events[50]),
            "P|1001|Sarah Smith|f  y@yumv.com|0892 2755 1923 0591|Los Angeles|ID|5|\
             `RT]WInnxtneWPLPHOywusizasixbmVVHKO_Y_MOYPmoftdguqtxkyXPO_ZNYMaKVQ\\``OOXTNOWIKUOLIa\
             WQN\\H[_cihasyNLOMHLVHKVRIznfdmdeqqvumRMZYKKNRJ[K^IIN`RJM`H[^^vbqrxduih"
        );
        assert_eq!(
            line(&events[49]),
            "B|1000|1001|545|channel-4763|\
             https://www.nexmark.com/bup/bsxo/ehzg/item.htm?query=1&channel_id=649592832|4|\
             zxptuoLI`ZXTR^V`SKNKP\\[]JK_OJ\\hgjhnbL^LKRYjiuaqbaI\\JS[lcxqumgpufgq`]VHL"
        );
        // Every field of the first 50,000 events, against the same Java program's output.
        assert_eq!(
            digest(NexmarkGenerator::new(config(50_000)).into_events()),
            0xf7cd_7249_fd67_05a0
        );
    }

    /// Flink's SQL source numbers events from 1 (`firstEventId = firstEventNumber = 1`); here
    /// also with out-of-order groups of 7 and a wall-clock base time.
    #[test]
    fn shifted_out_of_order_stream_matches_java() {
        let config = GeneratorConfig {
            base_time_ms: 1_700_000_000_000,
            first_event_id: 1,
            first_event_number: 1,
            out_of_order_group_size: 7,
            ..config(20_000)
        };
        assert_eq!(
            digest(NexmarkGenerator::new(config).into_events()),
            0x0941_279c_fa90_ea2f
        );
    }

    #[test]
    fn proportions_over_50000_events() {
        let mut counts = [0u32; 3];
        for event in NexmarkGenerator::new(config(50_000)).into_events() {
            counts[event.kind() as usize] += 1;
        }
        assert_eq!(counts, [1000, 3000, 46_000]);
    }

    #[test]
    fn same_config_same_events_other_seed_other_events() {
        let a: Vec<Event> = NexmarkGenerator::new(config(2000)).into_events().collect();
        let b: Vec<Event> = NexmarkGenerator::new(config(2000)).into_events().collect();
        assert_eq!(a, b);
        let seeded = |seed| GeneratorConfig {
            seed,
            ..config(2000)
        };
        let c: Vec<Event> = NexmarkGenerator::new(seeded(1)).into_events().collect();
        let d: Vec<Event> = NexmarkGenerator::new(seeded(1)).into_events().collect();
        assert_eq!(c, d);
        assert_ne!(a, c);
        // Kinds, ids and timestamps follow the event number whatever the seed; the drawn
        // fields differ in (nearly) every event.
        let differing = a.iter().zip(&c).filter(|(x, y)| x != y).count();
        assert!(differing > 1990, "only {differing} events differ");
        for (x, y) in a.iter().zip(&c) {
            assert_eq!((x.kind(), x.date_time()), (y.kind(), y.date_time()));
        }
    }

    #[test]
    fn seed_zero_is_plain_java_seeding() {
        assert_eq!(mix64(0), 0);
        for seed in [0u64, 7] {
            let config = GeneratorConfig {
                seed,
                ..config(200)
            };
            let params = Params::new(&config);
            for (n, event) in NexmarkGenerator::new(config).into_events().enumerate() {
                let id = n as i64;
                let java_seed = if seed == 0 {
                    id
                } else {
                    id ^ mix64(seed) as i64
                };
                let mut random = JavaRandom::new(java_seed);
                let ts = params.timestamp_for_event(id);
                let expected = match params.kind_of(id) {
                    EventKind::Person => Event::Person(params.next_person(id, &mut random, ts)),
                    EventKind::Auction => {
                        Event::Auction(params.next_auction(id, id, &mut random, ts))
                    }
                    EventKind::Bid => Event::Bid(params.next_bid(id, &mut random, ts)),
                };
                assert_eq!(event, expected);
            }
        }
    }

    #[test]
    fn split_instances_produce_the_stream_once() {
        for config in [
            config(10_007),
            GeneratorConfig {
                out_of_order_group_size: 5,
                first_event_number: 3,
                ..config(9_001)
            },
        ] {
            let single: Vec<Event> = NexmarkGenerator::new(config.clone())
                .into_events()
                .collect();
            let parts: Vec<Vec<Event>> = (0..3)
                .map(|i| {
                    NexmarkGenerator::with_split(config.clone(), i, 3)
                        .into_events()
                        .collect()
                })
                .collect();
            // Instance i yields exactly the single stream's events i, i + 3, ...
            for (i, part) in parts.iter().enumerate() {
                let expected: Vec<&Event> = single.iter().skip(i).step_by(3).collect();
                assert_eq!(part.iter().collect::<Vec<_>>(), expected);
            }
            let mut merged: Vec<Event> = parts.into_iter().flatten().collect();
            let mut all = single;
            merged.sort();
            all.sort();
            assert_eq!(merged, all);
        }
        let mut nexmark = NexmarkGenerator::with_split(config(10), 1, 3);
        while nexmark.next_event().is_some() {}
        assert_eq!(nexmark.events_so_far(), 3);
    }

    #[test]
    fn next_kind_and_skip() {
        let all: Vec<Event> = NexmarkGenerator::new(config(5000)).into_events().collect();
        let mut nexmark = NexmarkGenerator::new(config(5000));
        let mut bids = Vec::new();
        let mut n = 0;
        while let Some(kind) = nexmark.next_kind() {
            assert_eq!(kind, all[n].kind());
            assert_eq!(nexmark.next_timestamp(), Some(all[n].date_time()));
            if kind == EventKind::Bid {
                bids.push(nexmark.next_event().unwrap());
            } else {
                nexmark.skip();
            }
            n += 1;
            assert_eq!(nexmark.events_so_far(), n as u64);
        }
        assert!(
            !nexmark.has_next()
                && nexmark.next_event().is_none()
                && nexmark.next_timestamp().is_none()
        );
        nexmark.skip();
        assert_eq!(nexmark.events_so_far(), 5000);
        let expected: Vec<Event> = all
            .into_iter()
            .filter(|e| e.kind() == EventKind::Bid)
            .collect();
        assert_eq!(bids, expected);
    }

    #[test]
    fn ids_refer_to_generated_people_and_auctions() {
        let c = config(100_000);
        let (active, in_flight) = (
            i64::from(c.num_active_people),
            i64::from(c.num_in_flight_auctions),
        );
        let (mut last_person, mut last_auction) = (FIRST_PERSON_ID - 1, FIRST_AUCTION_ID - 1);
        let mut last_time = i64::MIN;
        let (mut extra_bytes, mut bids) = (0usize, 0usize);
        for (n, event) in NexmarkGenerator::new(c).into_events().enumerate() {
            // 10,000 events per second: event n at n / 10 ms.
            assert_eq!(event.date_time(), n as i64 / 10);
            assert!(event.date_time() >= last_time);
            last_time = event.date_time();
            match event {
                Event::Person(p) => {
                    assert_eq!(p.id, last_person + 1);
                    last_person = p.id;
                    assert_eq!(p.credit_card.len(), 19);
                    assert!(p.email_address.ends_with(".com"));
                }
                Event::Auction(a) => {
                    assert_eq!(a.id, last_auction + 1);
                    last_auction = a.id;
                    // A seller among the active people, or at most 10 ahead.
                    assert!(a.seller >= (last_person - active).max(FIRST_PERSON_ID));
                    assert!(a.seller <= last_person + PERSON_ID_LEAD);
                    assert!(
                        (FIRST_CATEGORY_ID..FIRST_CATEGORY_ID + NUM_CATEGORIES)
                            .contains(&a.category)
                    );
                    assert!(a.expires > a.date_time);
                    assert!(a.reserve >= a.initial_bid && a.initial_bid >= 100);
                }
                Event::Bid(b) => {
                    // An auction likely still in flight, or at most 10 ahead.
                    assert!(b.auction >= (last_auction - in_flight).max(FIRST_AUCTION_ID));
                    assert!(b.auction <= last_auction + AUCTION_ID_LEAD);
                    assert!(b.bidder >= (last_person - active).max(FIRST_PERSON_ID));
                    assert!(b.bidder <= last_person + PERSON_ID_LEAD);
                    assert!((100..=100_000_000).contains(&b.price));
                    assert!(b.url.starts_with("https://www.nexmark.com/"));
                    assert!(
                        HOT_CHANNELS.contains(&b.channel.as_str())
                            || b.channel.starts_with("channel-")
                    );
                    extra_bytes += b.extra.len();
                    bids += 1;
                }
            }
        }
        assert_eq!(
            (last_person, last_auction),
            (FIRST_PERSON_ID + 1999, FIRST_AUCTION_ID + 5999)
        );
        // Bids are padded to 100 bytes on average: 32 bytes of fields plus 54..82 of extra.
        let mean = extra_bytes as f64 / bids as f64;
        assert!((mean - 67.5).abs() < 0.5, "mean bid extra {mean}");
    }

    #[test]
    fn double_bidder_offset_shifts_bidders_only() {
        let plain: Vec<Event> = NexmarkGenerator::new(config(500)).into_events().collect();
        let shifted: Vec<Event> = NexmarkGenerator::new(GeneratorConfig {
            double_bidder_offset: true,
            ..config(500)
        })
        .into_events()
        .collect();
        for (p, s) in plain.iter().zip(&shifted) {
            match (p, s) {
                (Event::Bid(p), Event::Bid(s)) => {
                    assert_eq!(s.bidder, p.bidder + FIRST_PERSON_ID);
                    assert_eq!(
                        Bid {
                            bidder: p.bidder,
                            ..s.clone()
                        },
                        p.clone()
                    );
                }
                _ => assert_eq!(p, s),
            }
        }
    }

    #[test]
    fn watermark_bounds_out_of_order_timestamps() {
        let config = GeneratorConfig {
            out_of_order_group_size: 100,
            first_event_rate: 1000,
            ..config(3000)
        };
        let mut nexmark = NexmarkGenerator::new(config.clone());
        let times: Vec<i64> = nexmark
            .clone()
            .into_events()
            .map(|e| e.date_time())
            .collect();
        assert!(times.windows(2).any(|w| w[0] > w[1]), "no disorder");
        let mut sorted = times.clone();
        sorted.sort();
        assert_eq!(sorted, (0..3000).collect::<Vec<i64>>());
        for n in 0..times.len() {
            let watermark = nexmark.watermark().unwrap();
            assert!(times[n..].iter().all(|&t| t >= watermark));
            nexmark.skip();
        }
        assert_eq!(nexmark.watermark(), None);
    }

    #[test]
    fn unbounded_by_default() {
        let mut nexmark = NexmarkGenerator::new(GeneratorConfig::default());
        assert!(nexmark.has_next());
        // Java's cap for numEvents = 0: Long.MAX_VALUE / (50 * 500).
        assert_eq!(nexmark.params.max_events, 368_934_881_474_191);
        for _ in 0..1000 {
            nexmark.skip();
        }
        assert!(nexmark.next_event().is_some());
    }

    #[test]
    #[should_panic(expected = "stride must be positive")]
    fn zero_stride_panics() {
        NexmarkGenerator::with_split(GeneratorConfig::default(), 0, 0);
    }
}
