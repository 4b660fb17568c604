//! Checkpoints: the whole state of a simulation (and the records it produced so far) as bytes, and back.
//!
//! What a checkpoint holds is everything [`Simulation::step`] reads and changes: the scenario (parameters and
//! switches), the options (scale, seed, period; not the thread count, which results do not depend on), every
//! province with its person, household and team columns and its scalars (next id, farm capital, postponed
//! conceptions, …), the centre's beliefs, the state granary and the month. There are no random-stream positions
//! to save: every draw is Philox keyed by (seed, stream) at counter (entity, month, draw) (`core::rng`), a pure
//! function of the seed, the month and ids that the state already holds. The derived `Demographics` are
//! recomputed from the parameters; the rayon pool is rebuilt with the thread count asked for on resume. Phase
//! timings travel along but are not part of the results.
//!
//! Every struct is written by destructuring it completely, so a field added to the state without being added
//! here fails to compile instead of being silently left out of checkpoints.
//!
//! # Format (version 3; version 2 had neither the urban deaths and births nor the yearly compaction of the person
//! columns, so its `next_id` was also the number of rows; version 1 held adult equivalents as `f32`)
//!
//! A 64-byte header, then the payload:
//!
//! | offset | bytes | field |
//! |---|---|---|
//! | 0 | 8 | magic `LEAPCKPT` |
//! | 8 | 4 | format version, u32 LE |
//! | 12 | 4 | header length (64), u32 LE |
//! | 16 | 8 | payload length in bytes, u64 LE |
//! | 24 | 8 | XXH64 (seed 0) of the payload, u64 LE |
//! | 32 | 32 | leapsim version that wrote it, ASCII, NUL-padded |
//!
//! The payload is a sequence of little-endian fields: integers and floats as their bytes, strings and columns
//! as a u64 element count followed by the elements (columns as raw little-endian slices), booleans as one
//! byte. The scenario is a compact binary form of its JSON value with floats kept as their bits. Reading checks
//! the magic, the versions, the length of the file and the checksum, and bounds every count by the bytes left,
//! so a truncated or corrupted file is an error, never a panic or a wrong state.
//!
//! This module does no file I/O: it reads and writes `std::io` streams; the CLI puts them in files.

use crate::population::{Households, Persons, Teams};
use crate::results::{MonthRecord, NationalMonth, ProvinceMonth, RunResults};
use crate::scenario::Scenario;
use crate::sim::{Centre, RunOptions, SimError, Simulation};
use crate::world::{Demographics, Province};
use leapsim_core::{GrainLedger, Month, PeopleLedger, Period};
use std::hash::Hasher as _;
use std::io::{Read, Seek, SeekFrom, Write};
use twox_hash::XxHash64;

/// The first bytes of every checkpoint file.
pub const MAGIC: [u8; 8] = *b"LEAPCKPT";
/// Version of the layout described in the module documentation.
pub const FORMAT_VERSION: u32 = 4;
/// Bytes before the payload.
pub const HEADER_LEN: usize = 64;
/// The leapsim version written into (and required of) checkpoints.
pub const LEAPSIM_VERSION: &str = env!("CARGO_PKG_VERSION");

/// Why a checkpoint cannot be read. Messages are one line and do not name the file (the caller does).
#[derive(Debug, thiserror::Error)]
pub enum CheckpointError {
    #[error("not a leapsim checkpoint (the file does not start with the magic bytes LEAPCKPT)")]
    BadMagic,
    #[error("truncated checkpoint: {have} of {want} bytes present")]
    Truncated { have: u64, want: u64 },
    #[error("corrupt checkpoint: {0}")]
    Corrupt(String),
    #[error("checkpoint format version {0} is not supported (this leapsim reads version {FORMAT_VERSION})")]
    Format(u32),
    #[error(
        "checkpoint written by leapsim {0}, this is leapsim {LEAPSIM_VERSION}: resume it with the version that wrote it"
    )]
    Version(String),
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error(transparent)]
    Sim(#[from] SimError),
}

/// A little-endian plain value that columns are made of.
pub trait Le: Copy + Default {
    const SIZE: usize;
    fn put(self, out: &mut [u8]);
    fn get(bytes: &[u8]) -> Self;
}

macro_rules! le_impl {
    ($($t:ty),*) => {$(
        impl Le for $t {
            const SIZE: usize = std::mem::size_of::<$t>();
            #[inline]
            fn put(self, out: &mut [u8]) {
                out.copy_from_slice(&self.to_le_bytes());
            }
            #[inline]
            fn get(bytes: &[u8]) -> Self {
                let mut a = [0u8; std::mem::size_of::<$t>()];
                a.copy_from_slice(bytes);
                <$t>::from_le_bytes(a)
            }
        }
    )*};
}
le_impl!(u8, u16, u32, u64, f32, f64);

/// Elements converted per chunk when writing or reading a column.
const CHUNK: usize = 8192;

/// Writes payload fields, hashing and counting what it writes.
pub struct Encoder<W: Write> {
    w: W,
    hash: XxHash64,
    len: u64,
    buf: Vec<u8>,
}

impl<W: Write> Encoder<W> {
    pub fn new(w: W) -> Self {
        Encoder { w, hash: XxHash64::with_seed(0), len: 0, buf: Vec::new() }
    }

    pub fn bytes(&mut self, b: &[u8]) -> std::io::Result<()> {
        self.hash.write(b);
        self.len += b.len() as u64;
        self.w.write_all(b)
    }

    pub fn put<T: Le>(&mut self, x: T) -> std::io::Result<()> {
        let mut a = [0u8; 8];
        x.put(&mut a[..T::SIZE]);
        self.bytes(&a[..T::SIZE])
    }

    pub fn u8(&mut self, x: u8) -> std::io::Result<()> {
        self.put(x)
    }
    pub fn u16(&mut self, x: u16) -> std::io::Result<()> {
        self.put(x)
    }
    pub fn u32(&mut self, x: u32) -> std::io::Result<()> {
        self.put(x)
    }
    pub fn u64(&mut self, x: u64) -> std::io::Result<()> {
        self.put(x)
    }
    pub fn f64(&mut self, x: f64) -> std::io::Result<()> {
        self.put(x)
    }
    pub fn bool(&mut self, x: bool) -> std::io::Result<()> {
        self.put(x as u8)
    }
    pub fn len(&mut self, n: usize) -> std::io::Result<()> {
        self.put(n as u64)
    }
    pub fn str(&mut self, s: &str) -> std::io::Result<()> {
        self.len(s.len())?;
        self.bytes(s.as_bytes())
    }

    /// A column: its length, then its elements as raw little-endian bytes.
    pub fn col<T: Le>(&mut self, xs: &[T]) -> std::io::Result<()> {
        self.len(xs.len())?;
        let mut buf = std::mem::take(&mut self.buf);
        buf.resize(CHUNK * T::SIZE, 0);
        for chunk in xs.chunks(CHUNK) {
            let out = &mut buf[..chunk.len() * T::SIZE];
            for (o, &x) in out.chunks_exact_mut(T::SIZE).zip(chunk) {
                x.put(o);
            }
            self.bytes(out)?;
        }
        self.buf = buf;
        Ok(())
    }

    pub fn col_bool(&mut self, xs: &[bool]) -> std::io::Result<()> {
        let bytes: Vec<u8> = xs.iter().map(|&b| b as u8).collect();
        self.col(&bytes)
    }

    /// Bytes written so far and their XXH64.
    pub fn finish(mut self) -> std::io::Result<(W, u64, u64)> {
        self.w.flush()?;
        Ok((self.w, self.len, self.hash.finish()))
    }
}

/// Reads payload fields, hashing what it reads; never reads past the payload length.
pub struct Decoder<R: Read> {
    r: R,
    hash: XxHash64,
    remaining: u64,
    total: u64,
    buf: Vec<u8>,
}

impl<R: Read> Decoder<R> {
    pub fn new(r: R, payload_len: u64) -> Self {
        Decoder { r, hash: XxHash64::with_seed(0), remaining: payload_len, total: payload_len, buf: Vec::new() }
    }

    fn fill(&mut self, out: &mut [u8]) -> Result<(), CheckpointError> {
        if out.len() as u64 > self.remaining {
            return Err(CheckpointError::Corrupt(format!(
                "a field of {} bytes runs past the end of the payload ({} bytes left)",
                out.len(),
                self.remaining
            )));
        }
        self.r.read_exact(out).map_err(|e| match e.kind() {
            std::io::ErrorKind::UnexpectedEof => {
                CheckpointError::Truncated { have: self.total - self.remaining, want: self.total }
            }
            _ => CheckpointError::Io(e),
        })?;
        self.remaining -= out.len() as u64;
        self.hash.write(out);
        Ok(())
    }

    pub fn get<T: Le>(&mut self) -> Result<T, CheckpointError> {
        let mut a = [0u8; 8];
        self.fill(&mut a[..T::SIZE])?;
        Ok(T::get(&a[..T::SIZE]))
    }

    pub fn u8(&mut self) -> Result<u8, CheckpointError> {
        self.get()
    }
    pub fn u16(&mut self) -> Result<u16, CheckpointError> {
        self.get()
    }
    pub fn u32(&mut self) -> Result<u32, CheckpointError> {
        self.get()
    }
    pub fn u64(&mut self) -> Result<u64, CheckpointError> {
        self.get()
    }
    pub fn f64(&mut self) -> Result<f64, CheckpointError> {
        self.get()
    }
    pub fn bool(&mut self) -> Result<bool, CheckpointError> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            b => Err(CheckpointError::Corrupt(format!("a boolean is {b}"))),
        }
    }

    /// A count of items of at least `min_bytes` bytes each, bounded by the bytes left.
    pub fn len(&mut self, min_bytes: u64) -> Result<usize, CheckpointError> {
        let n = self.u64()?;
        if n.saturating_mul(min_bytes.max(1)) > self.remaining {
            return Err(CheckpointError::Corrupt(format!(
                "a count of {n} items does not fit in the {} bytes left",
                self.remaining
            )));
        }
        Ok(n as usize)
    }

    pub fn str(&mut self) -> Result<String, CheckpointError> {
        let n = self.len(1)?;
        let mut b = vec![0u8; n];
        self.fill(&mut b)?;
        String::from_utf8(b).map_err(|_| CheckpointError::Corrupt("a string is not UTF-8".into()))
    }

    pub fn col<T: Le>(&mut self) -> Result<Vec<T>, CheckpointError> {
        let n = self.len(T::SIZE as u64)?;
        let mut out = Vec::with_capacity(n);
        let mut buf = std::mem::take(&mut self.buf);
        buf.resize(CHUNK * T::SIZE, 0);
        let mut left = n;
        while left > 0 {
            let k = left.min(CHUNK);
            let bytes = &mut buf[..k * T::SIZE];
            self.fill(bytes)?;
            out.extend(bytes.chunks_exact(T::SIZE).map(T::get));
            left -= k;
        }
        self.buf = buf;
        Ok(out)
    }

    pub fn col_bool(&mut self) -> Result<Vec<bool>, CheckpointError> {
        self.col::<u8>()?
            .into_iter()
            .map(|b| match b {
                0 => Ok(false),
                1 => Ok(true),
                b => Err(CheckpointError::Corrupt(format!("a boolean is {b}"))),
            })
            .collect()
    }

    /// Reads the rest of the payload (hashing it) and returns its XXH64.
    fn drain(mut self) -> Result<u64, CheckpointError> {
        let mut buf = vec![0u8; 1 << 16];
        while self.remaining > 0 {
            let k = (self.remaining as usize).min(buf.len());
            let chunk = &mut buf[..k];
            self.fill(chunk)?;
        }
        Ok(self.hash.finish())
    }
}

/// The fixed header of a checkpoint file.
#[derive(Debug, Clone, PartialEq)]
pub struct Header {
    pub format: u32,
    pub version: String,
    pub payload_len: u64,
    pub checksum: u64,
}

impl Header {
    fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let mut h = [0u8; HEADER_LEN];
        h[0..8].copy_from_slice(&MAGIC);
        h[8..12].copy_from_slice(&self.format.to_le_bytes());
        h[12..16].copy_from_slice(&(HEADER_LEN as u32).to_le_bytes());
        h[16..24].copy_from_slice(&self.payload_len.to_le_bytes());
        h[24..32].copy_from_slice(&self.checksum.to_le_bytes());
        let v = self.version.as_bytes();
        let n = v.len().min(32);
        h[32..32 + n].copy_from_slice(&v[..n]);
        h
    }

    /// Reads and checks the header of a file of `file_len` bytes: magic, versions, and that the file is exactly
    /// as long as the header says.
    pub fn read<R: Read>(r: &mut R, file_len: u64) -> Result<Header, CheckpointError> {
        let mut h = [0u8; HEADER_LEN];
        if file_len < HEADER_LEN as u64 {
            // Still tell a foreign file from a truncated checkpoint.
            let mut head = vec![0u8; file_len as usize];
            r.read_exact(&mut head)?;
            let n = head.len().min(8);
            if head[..n] != MAGIC[..n] {
                return Err(CheckpointError::BadMagic);
            }
            return Err(CheckpointError::Truncated { have: file_len, want: HEADER_LEN as u64 });
        }
        r.read_exact(&mut h)?;
        if h[0..8] != MAGIC {
            return Err(CheckpointError::BadMagic);
        }
        let word = |a: usize| u32::from_le_bytes([h[a], h[a + 1], h[a + 2], h[a + 3]]);
        let quad = |a: usize| {
            let mut b = [0u8; 8];
            b.copy_from_slice(&h[a..a + 8]);
            u64::from_le_bytes(b)
        };
        let format = word(8);
        if format != FORMAT_VERSION {
            return Err(CheckpointError::Format(format));
        }
        if word(12) != HEADER_LEN as u32 {
            return Err(CheckpointError::Corrupt(format!("header length {} (expected {HEADER_LEN})", word(12))));
        }
        // NUL padding only at the end: a NUL inside is a different version, not the same one.
        let version = String::from_utf8_lossy(&h[32..64]).trim_end_matches('\0').to_string();
        if version != LEAPSIM_VERSION {
            return Err(CheckpointError::Version(version));
        }
        let payload_len = quad(16);
        let want = (HEADER_LEN as u64).saturating_add(payload_len);
        if file_len < want {
            return Err(CheckpointError::Truncated { have: file_len, want });
        }
        if file_len > want {
            return Err(CheckpointError::Corrupt(format!(
                "the file has {file_len} bytes, {} more than its header announces",
                file_len - want
            )));
        }
        Ok(Header { format, version, payload_len, checksum: quad(24) })
    }
}

/// Writes a checkpoint: a provisional header, the payload written by `body`, then the real header (payload
/// length and checksum) over the provisional one. Returns the bytes written.
pub fn write<W: Write + Seek>(
    w: &mut W,
    body: impl FnOnce(&mut Encoder<&mut W>) -> std::io::Result<()>,
) -> std::io::Result<u64> {
    let mut header = Header { format: FORMAT_VERSION, version: LEAPSIM_VERSION.into(), payload_len: 0, checksum: 0 };
    w.seek(SeekFrom::Start(0))?;
    w.write_all(&header.to_bytes())?;
    let mut enc = Encoder::new(&mut *w);
    body(&mut enc)?;
    let (_, len, checksum) = enc.finish()?;
    header.payload_len = len;
    header.checksum = checksum;
    w.seek(SeekFrom::Start(0))?;
    w.write_all(&header.to_bytes())?;
    w.seek(SeekFrom::Start(HEADER_LEN as u64 + len))?;
    w.flush()?;
    Ok(HEADER_LEN as u64 + len)
}

/// Reads a checkpoint of `file_len` bytes with `body`. The checksum is checked over the whole payload; when
/// `body` fails on a corrupted payload, the checksum mismatch is what is reported. `body` must read the whole
/// payload.
pub fn read<R: Read, T>(
    mut r: R,
    file_len: u64,
    body: impl FnOnce(&mut Decoder<&mut R>) -> Result<T, CheckpointError>,
) -> Result<T, CheckpointError> {
    let header = Header::read(&mut r, file_len)?;
    let mut dec = Decoder::new(&mut r, header.payload_len);
    let result = body(&mut dec);
    let checksum = match dec.drain() {
        Ok(c) => c,
        Err(e) => return Err(result.err().unwrap_or(e)),
    };
    if checksum != header.checksum {
        return Err(CheckpointError::Corrupt(format!(
            "checksum mismatch (payload XXH64 {checksum:016x}, header says {:016x})",
            header.checksum
        )));
    }
    result
}

// ---------------------------------------------------------------------------------------------------------
// The model's types.

type IoResult = std::io::Result<()>;

fn corrupt(what: impl Into<String>) -> CheckpointError {
    CheckpointError::Corrupt(what.into())
}

/// A simulation in progress: its state and the records of the months done so far.
pub struct RunState {
    pub sim: Simulation,
    pub records: Vec<MonthRecord>,
}

impl RunState {
    pub fn new(sim: Simulation) -> RunState {
        let records = Vec::with_capacity(sim.options.period.len());
        RunState { sim, records }
    }

    /// Months simulated so far.
    pub fn months_done(&self) -> usize {
        self.records.len()
    }

    pub fn is_done(&self) -> bool {
        self.sim.month > self.sim.options.period.last
    }

    /// Simulates the next month (the same as one turn of [`Simulation::run`]).
    pub fn step(&mut self) -> Result<Month, SimError> {
        let month = self.sim.month;
        self.records.push(self.sim.step()?);
        Ok(month)
    }

    /// The results, as [`Simulation::run`] returns them.
    pub fn finish(self) -> RunResults {
        let sim = self.sim;
        RunResults::new(sim.scenario.clone(), sim.options.clone(), self.records, sim.phase_seconds, sim.build_seconds)
    }

    pub fn encode<W: Write>(&self, e: &mut Encoder<W>) -> IoResult {
        encode_simulation(&self.sim, e)?;
        encode_records(&self.records, e)
    }

    /// Decodes a state written by [`RunState::encode`]; the simulation runs on `threads` worker threads.
    pub fn decode<R: Read>(d: &mut Decoder<R>, threads: usize) -> Result<RunState, CheckpointError> {
        let sim = decode_simulation(d, threads)?;
        let records = decode_records(d)?;
        let done = sim.month.0.checked_sub(sim.options.period.first.0).map(|m| m as usize);
        if done != Some(records.len()) {
            return Err(corrupt(format!("{} month records for a simulation at {}", records.len(), sim.month)));
        }
        if let Some((i, r)) =
            records.iter().enumerate().find(|(i, r)| r.month.0 as usize != sim.options.period.first.0 as usize + i)
        {
            return Err(corrupt(format!("month record {i} is for {}", r.month)));
        }
        Ok(RunState { sim, records })
    }
}

/// Encodes finished results (not their thread count).
pub fn encode_results<W: Write>(r: &RunResults, e: &mut Encoder<W>) -> IoResult {
    let RunResults { scenario, options, records, phase_seconds, build_seconds } = r;
    encode_scenario(scenario, e)?;
    encode_options(options, e)?;
    encode_records(records, e)?;
    for &s in phase_seconds {
        e.f64(s)?;
    }
    e.f64(*build_seconds)
}

pub fn decode_results<R: Read>(d: &mut Decoder<R>, threads: usize) -> Result<RunResults, CheckpointError> {
    let scenario = decode_scenario(d)?;
    let options = decode_options(d, threads)?;
    let records = decode_records(d)?;
    let mut phase_seconds = [0.0; 4];
    for s in &mut phase_seconds {
        *s = d.f64()?;
    }
    let build_seconds = d.f64()?;
    Ok(RunResults::new(scenario, options, records, phase_seconds, build_seconds))
}

pub fn encode_options<W: Write>(o: &RunOptions, e: &mut Encoder<W>) -> IoResult {
    let RunOptions { scale, seed, threads: _, period } = o;
    e.u32(*scale)?;
    e.u64(*seed)?;
    e.u16(period.first.0)?;
    e.u16(period.last.0)
}

pub fn decode_options<R: Read>(d: &mut Decoder<R>, threads: usize) -> Result<RunOptions, CheckpointError> {
    let scale = d.u32()?;
    let seed = d.u64()?;
    let period = Period { first: Month(d.u16()?), last: Month(d.u16()?) };
    if scale == 0 || period.last < period.first {
        return Err(corrupt(format!("run options: scale {scale}, period {} .. {}", period.first, period.last)));
    }
    Ok(RunOptions { scale, seed, threads, period })
}

// The scenario: its JSON value in a binary form whose numbers keep their exact bits (JSON text would need
// float round-tripping that serde_json does not promise by default).
const V_NULL: u8 = 0;
const V_FALSE: u8 = 1;
const V_TRUE: u8 = 2;
const V_U64: u8 = 3;
const V_I64: u8 = 4;
const V_F64: u8 = 5;
const V_STR: u8 = 6;
const V_ARRAY: u8 = 7;
const V_OBJECT: u8 = 8;
const MAX_DEPTH: usize = 64;

fn encode_value<W: Write>(v: &serde_json::Value, e: &mut Encoder<W>) -> IoResult {
    use serde_json::Value;
    match v {
        Value::Null => e.u8(V_NULL),
        Value::Bool(b) => e.u8(if *b { V_TRUE } else { V_FALSE }),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                e.u8(V_U64)?;
                e.u64(u)
            } else if let Some(i) = n.as_i64() {
                e.u8(V_I64)?;
                e.u64(i as u64)
            } else {
                e.u8(V_F64)?;
                e.f64(n.as_f64().unwrap_or(f64::NAN))
            }
        }
        Value::String(s) => {
            e.u8(V_STR)?;
            e.str(s)
        }
        Value::Array(a) => {
            e.u8(V_ARRAY)?;
            e.len(a.len())?;
            a.iter().try_for_each(|x| encode_value(x, e))
        }
        Value::Object(o) => {
            e.u8(V_OBJECT)?;
            e.len(o.len())?;
            for (k, x) in o {
                e.str(k)?;
                encode_value(x, e)?;
            }
            Ok(())
        }
    }
}

fn decode_value<R: Read>(d: &mut Decoder<R>, depth: usize) -> Result<serde_json::Value, CheckpointError> {
    use serde_json::Value;
    if depth > MAX_DEPTH {
        return Err(corrupt("the scenario is nested too deeply"));
    }
    Ok(match d.u8()? {
        V_NULL => Value::Null,
        V_FALSE => Value::Bool(false),
        V_TRUE => Value::Bool(true),
        V_U64 => Value::from(d.u64()?),
        V_I64 => Value::from(d.u64()? as i64),
        V_F64 => {
            let x = d.f64()?;
            Value::Number(serde_json::Number::from_f64(x).ok_or_else(|| corrupt("a scenario number is not finite"))?)
        }
        V_STR => Value::String(d.str()?),
        V_ARRAY => {
            let n = d.len(1)?;
            let mut a = Vec::with_capacity(n.min(1024));
            for _ in 0..n {
                a.push(decode_value(d, depth + 1)?);
            }
            Value::Array(a)
        }
        V_OBJECT => {
            let n = d.len(9)?;
            let mut o = serde_json::Map::new();
            for _ in 0..n {
                let k = d.str()?;
                o.insert(k, decode_value(d, depth + 1)?);
            }
            Value::Object(o)
        }
        t => return Err(corrupt(format!("unknown scenario value tag {t}"))),
    })
}

pub fn encode_scenario<W: Write>(s: &Scenario, e: &mut Encoder<W>) -> IoResult {
    let v = serde_json::to_value(s).map_err(std::io::Error::other)?;
    encode_value(&v, e)
}

pub fn decode_scenario<R: Read>(d: &mut Decoder<R>) -> Result<Scenario, CheckpointError> {
    let v = decode_value(d, 0)?;
    serde_json::from_value(v).map_err(|e| corrupt(format!("the scenario does not decode: {e}")))
}

fn encode_persons<W: Write>(p: &Persons, e: &mut Encoder<W>) -> IoResult {
    let Persons { birth, flags, household, budget, event } = p;
    e.col(birth)?;
    e.col(flags)?;
    e.col(household)?;
    e.col(budget)?;
    e.col(event)
}

fn decode_persons<R: Read>(d: &mut Decoder<R>) -> Result<Persons, CheckpointError> {
    let p = Persons { birth: d.col()?, flags: d.col()?, household: d.col()?, budget: d.col()?, event: d.col()? };
    let n = p.birth.len();
    if [p.flags.len(), p.household.len(), p.budget.len(), p.event.len()].iter().any(|&l| l != n) {
        return Err(corrupt("person columns of different lengths"));
    }
    Ok(p)
}

fn encode_households<W: Write>(h: &Households, e: &mut Encoder<W>) -> IoResult {
    let Households { rural_first, rural_end, size, workers, adult_eq_20, stock, kcal, depletion } = h;
    e.u32(*rural_first)?;
    e.u32(*rural_end)?;
    e.col(size)?;
    e.col(workers)?;
    e.col(adult_eq_20)?;
    e.col(stock)?;
    e.col(kcal)?;
    e.col(depletion)
}

fn decode_households<R: Read>(d: &mut Decoder<R>) -> Result<Households, CheckpointError> {
    let h = Households {
        rural_first: d.u32()?,
        rural_end: d.u32()?,
        size: d.col()?,
        workers: d.col()?,
        adult_eq_20: d.col()?,
        stock: d.col()?,
        kcal: d.col()?,
        depletion: d.col()?,
    };
    let n = h.size.len();
    if h.rural_first > h.rural_end || h.rural_end as usize > n {
        return Err(corrupt("the rural household range is out of range"));
    }
    if [h.size.len(), h.workers.len(), h.adult_eq_20.len(), h.stock.len(), h.kcal.len(), h.depletion.len()]
        .iter()
        .any(|&l| l != n)
    {
        return Err(corrupt("household columns of different lengths"));
    }
    Ok(h)
}

fn encode_teams<W: Write>(t: &Teams, e: &mut Encoder<W>) -> IoResult {
    let Teams { commune, first_household, households, land, quality, base_workers, mess_hall, stock, withheld } = t;
    e.col(commune)?;
    e.col(first_household)?;
    e.col(households)?;
    e.col(land)?;
    e.col(quality)?;
    e.col(base_workers)?;
    e.col_bool(mess_hall)?;
    e.col(stock)?;
    e.col(withheld)
}

fn decode_teams<R: Read>(d: &mut Decoder<R>) -> Result<Teams, CheckpointError> {
    let t = Teams {
        commune: d.col()?,
        first_household: d.col()?,
        households: d.col()?,
        land: d.col()?,
        quality: d.col()?,
        base_workers: d.col()?,
        mess_hall: d.col_bool()?,
        stock: d.col()?,
        withheld: d.col()?,
    };
    let n = t.commune.len();
    if [
        t.first_household.len(),
        t.households.len(),
        t.land.len(),
        t.quality.len(),
        t.base_workers.len(),
        t.mess_hall.len(),
        t.stock.len(),
        t.withheld.len(),
    ]
    .iter()
    .any(|&l| l != n)
    {
        return Err(corrupt("team columns of different lengths"));
    }
    Ok(t)
}

fn encode_province<W: Write>(p: &Province, e: &mut Encoder<W>) -> IoResult {
    let Province {
        index,
        name,
        persons,
        households,
        teams,
        communes,
        next_id,
        productivity,
        relative_productivity,
        participation,
        capital,
        postponed_conceptions,
        expected_conceptions,
        baseline_fertility_factor,
        baseline_months,
        recovered_months,
        relief_admitted,
    } = p;
    e.len(*index)?;
    e.str(name)?;
    encode_persons(persons, e)?;
    encode_households(households, e)?;
    encode_teams(teams, e)?;
    e.u32(*communes)?;
    e.u32(*next_id)?;
    for x in [
        productivity,
        relative_productivity,
        participation,
        capital,
        postponed_conceptions,
        expected_conceptions,
        baseline_fertility_factor,
    ] {
        e.f64(*x)?;
    }
    e.u32(*baseline_months)?;
    e.u32(*recovered_months)?;
    e.f64(*relief_admitted)?;
    Ok(())
}

fn decode_province<R: Read>(d: &mut Decoder<R>) -> Result<Province, CheckpointError> {
    let index = d.u64()? as usize;
    let name = d.str()?;
    let persons = decode_persons(d)?;
    let households = decode_households(d)?;
    let teams = decode_teams(d)?;
    let p = Province {
        index,
        name,
        persons,
        households,
        teams,
        communes: d.u32()?,
        next_id: d.u32()?,
        productivity: d.f64()?,
        relative_productivity: d.f64()?,
        participation: d.f64()?,
        capital: d.f64()?,
        postponed_conceptions: d.f64()?,
        expected_conceptions: d.f64()?,
        baseline_fertility_factor: d.f64()?,
        baseline_months: d.u32()?,
        recovered_months: d.u32()?,
        relief_admitted: d.f64()?,
    };
    check_province(&p)?;
    Ok(p)
}

/// The cross-references the step indexes with, so that a decoded state cannot make it panic.
fn check_province(p: &Province) -> Result<(), CheckpointError> {
    let bad = |what: &str| Err(corrupt(format!("province {} ({}): {what}", p.index, p.name)));
    let n_hh = p.households.len();
    if p.persons.household.iter().any(|&h| h as usize >= n_hh) {
        return bad("a person's household is out of range");
    }
    let (rural_first, rural_end) = (p.households.rural_first as u64, p.households.rural_end as u64);
    for k in 0..p.teams.len() {
        let first = p.teams.first_household[k] as u64;
        let end = first + p.teams.households[k] as u64;
        if first < rural_first || end > rural_end {
            return bad("a team's households are out of the rural range");
        }
    }
    Ok(())
}

fn encode_centre<W: Write>(c: &Centre, e: &mut Encoder<W>) -> IoResult {
    let Centre {
        belief_this_year,
        belief_last_year,
        truth_this_year,
        truth_last_year,
        normal_this_year,
        normal_last_year,
        sown_area_share,
        sown_area_next_year,
        industry_capacity,
    } = c;
    for v in [belief_this_year, belief_last_year, truth_this_year, truth_last_year, normal_this_year, normal_last_year]
    {
        e.col(v)?;
    }
    e.f64(*sown_area_share)?;
    e.f64(*sown_area_next_year)?;
    e.f64(*industry_capacity)
}

fn decode_centre<R: Read>(d: &mut Decoder<R>, provinces: usize) -> Result<Centre, CheckpointError> {
    let c = Centre {
        belief_this_year: d.col()?,
        belief_last_year: d.col()?,
        truth_this_year: d.col()?,
        truth_last_year: d.col()?,
        normal_this_year: d.col()?,
        normal_last_year: d.col()?,
        sown_area_share: d.f64()?,
        sown_area_next_year: d.f64()?,
        industry_capacity: d.f64()?,
    };
    if [
        c.belief_this_year.len(),
        c.belief_last_year.len(),
        c.truth_this_year.len(),
        c.truth_last_year.len(),
        c.normal_this_year.len(),
        c.normal_last_year.len(),
    ]
    .iter()
    .any(|&l| l != provinces)
    {
        return Err(corrupt("the centre's columns do not have one entry per province"));
    }
    Ok(c)
}

/// Encodes the whole state of a simulation (not its thread pool).
pub fn encode_simulation<W: Write>(s: &Simulation, e: &mut Encoder<W>) -> IoResult {
    let Simulation {
        scenario,
        options,
        demo: _, // derived from the parameters
        provinces,
        state_stock,
        centre,
        month,
        pool: _,
        phase_seconds,
        build_seconds,
    } = s;
    encode_scenario(scenario, e)?;
    encode_options(options, e)?;
    e.len(provinces.len())?;
    for p in provinces {
        encode_province(p, e)?;
    }
    e.f64(*state_stock)?;
    encode_centre(centre, e)?;
    e.u16(month.0)?;
    for &x in phase_seconds {
        e.f64(x)?;
    }
    e.f64(*build_seconds)
}

/// Decodes a simulation written by [`encode_simulation`], with a new pool of `threads` worker threads.
pub fn decode_simulation<R: Read>(d: &mut Decoder<R>, threads: usize) -> Result<Simulation, CheckpointError> {
    let scenario = decode_scenario(d)?;
    let options = decode_options(d, threads)?;
    let n = d.len(64)?;
    let mut provinces = Vec::with_capacity(n);
    for i in 0..n {
        let p = decode_province(d)?;
        if p.index != i {
            return Err(corrupt(format!("province {i} says it is province {}", p.index)));
        }
        provinces.push(p);
    }
    if n != leapsim_data::provinces().len() {
        return Err(corrupt(format!("{n} provinces (the model has {})", leapsim_data::provinces().len())));
    }
    let state_stock = d.f64()?;
    let centre = decode_centre(d, n)?;
    let month = Month(d.u16()?);
    if month < options.period.first || month > options.period.last.next() {
        return Err(corrupt(format!("month {month} outside the run's period")));
    }
    let mut phase_seconds = [0.0; 4];
    for x in &mut phase_seconds {
        *x = d.f64()?;
    }
    let build_seconds = d.f64()?;
    let pool = crate::sim::thread_pool(threads)?;
    let demo = Demographics::new(&scenario.params);
    Ok(Simulation {
        scenario,
        options,
        demo,
        provinces,
        state_stock,
        centre,
        month,
        pool,
        phase_seconds,
        build_seconds,
    })
}

fn encode_people<W: Write>(p: &PeopleLedger, e: &mut Encoder<W>) -> IoResult {
    let PeopleLedger { start, births, deaths, migration_in, migration_out, end } = p;
    for x in [start, births, deaths, migration_in, migration_out, end] {
        e.u64(*x)?;
    }
    Ok(())
}

fn decode_people<R: Read>(d: &mut Decoder<R>) -> Result<PeopleLedger, CheckpointError> {
    Ok(PeopleLedger {
        start: d.u64()?,
        births: d.u64()?,
        deaths: d.u64()?,
        migration_in: d.u64()?,
        migration_out: d.u64()?,
        end: d.u64()?,
    })
}

fn encode_grain<W: Write>(g: &GrainLedger, e: &mut Encoder<W>) -> IoResult {
    let GrainLedger { stock_start, produced, imported, eaten, seed_feed_waste, exported, stock_end } = g;
    for x in [stock_start, produced, imported, eaten, seed_feed_waste, exported, stock_end] {
        e.f64(*x)?;
    }
    Ok(())
}

fn decode_grain<R: Read>(d: &mut Decoder<R>) -> Result<GrainLedger, CheckpointError> {
    Ok(GrainLedger {
        stock_start: d.f64()?,
        produced: d.f64()?,
        imported: d.f64()?,
        eaten: d.f64()?,
        seed_feed_waste: d.f64()?,
        exported: d.f64()?,
        stock_end: d.f64()?,
    })
}

fn encode_province_month<W: Write>(p: &ProvinceMonth, e: &mut Encoder<W>) -> IoResult {
    let ProvinceMonth {
        people,
        grain,
        births_registered,
        deaths_registered,
        deaths_under10,
        migrants,
        urban_end,
        urban_deaths,
        urban_births,
        grain_output,
        grain_output_reported,
        seed_feed_waste,
        procured,
        sold_to_state,
        resale,
        urban_rations,
        rural_eaten,
        urban_eaten,
        rural_stock_end,
        kcal_rural_sum,
        kcal_urban_sum,
        mess_waste,
        belief_end,
        rural_persons_start,
        urban_persons_start,
        age_sex,
    } = p;
    encode_people(people, e)?;
    encode_grain(grain, e)?;
    for x in [births_registered, deaths_registered, deaths_under10, migrants, urban_end, urban_deaths, urban_births] {
        e.u64(*x)?;
    }
    for x in [
        grain_output,
        grain_output_reported,
        seed_feed_waste,
        procured,
        sold_to_state,
        resale,
        urban_rations,
        rural_eaten,
        urban_eaten,
        rural_stock_end,
        kcal_rural_sum,
        kcal_urban_sum,
        mess_waste,
        belief_end,
        rural_persons_start,
        urban_persons_start,
    ] {
        e.f64(*x)?;
    }
    match age_sex {
        None => e.bool(false),
        Some(t) => {
            e.bool(true)?;
            e.col(&t[0])?;
            e.col(&t[1])
        }
    }
}

fn decode_province_month<R: Read>(d: &mut Decoder<R>) -> Result<ProvinceMonth, CheckpointError> {
    let people = decode_people(d)?;
    let grain = decode_grain(d)?;
    let mut p = ProvinceMonth {
        people,
        grain,
        births_registered: d.u64()?,
        deaths_registered: d.u64()?,
        deaths_under10: d.u64()?,
        migrants: d.u64()?,
        urban_end: d.u64()?,
        urban_deaths: d.u64()?,
        urban_births: d.u64()?,
        ..Default::default()
    };
    for x in [
        &mut p.grain_output,
        &mut p.grain_output_reported,
        &mut p.seed_feed_waste,
        &mut p.procured,
        &mut p.sold_to_state,
        &mut p.resale,
        &mut p.urban_rations,
        &mut p.rural_eaten,
        &mut p.urban_eaten,
        &mut p.rural_stock_end,
        &mut p.kcal_rural_sum,
        &mut p.kcal_urban_sum,
        &mut p.mess_waste,
        &mut p.belief_end,
        &mut p.rural_persons_start,
        &mut p.urban_persons_start,
    ] {
        *x = d.f64()?;
    }
    if d.bool()? {
        let mut t = Box::new([[0u64; 101]; 2]);
        for row in t.iter_mut() {
            let v: Vec<u64> = d.col()?;
            if v.len() != row.len() {
                return Err(corrupt(format!("an age table of {} ages (expected {})", v.len(), row.len())));
            }
            row.copy_from_slice(&v);
        }
        p.age_sex = Some(t);
    }
    Ok(p)
}

fn encode_national<W: Write>(n: &NationalMonth, e: &mut Encoder<W>) -> IoResult {
    let NationalMonth {
        state_stock_start,
        procured,
        urban_rations,
        resale,
        exports,
        imports,
        other_uses,
        state_stock_end,
        pressure,
        steel_usable_t,
        steel_reported_t,
        sown_area_share,
    } = n;
    for x in [
        state_stock_start,
        procured,
        urban_rations,
        resale,
        exports,
        imports,
        other_uses,
        state_stock_end,
        pressure,
        steel_usable_t,
        steel_reported_t,
        sown_area_share,
    ] {
        e.f64(*x)?;
    }
    Ok(())
}

fn decode_national<R: Read>(d: &mut Decoder<R>) -> Result<NationalMonth, CheckpointError> {
    Ok(NationalMonth {
        state_stock_start: d.f64()?,
        procured: d.f64()?,
        urban_rations: d.f64()?,
        resale: d.f64()?,
        exports: d.f64()?,
        imports: d.f64()?,
        other_uses: d.f64()?,
        state_stock_end: d.f64()?,
        pressure: d.f64()?,
        steel_usable_t: d.f64()?,
        steel_reported_t: d.f64()?,
        sown_area_share: d.f64()?,
    })
}

pub fn encode_records<W: Write>(records: &[MonthRecord], e: &mut Encoder<W>) -> IoResult {
    e.len(records.len())?;
    for r in records {
        let MonthRecord { month, provinces, national } = r;
        e.u16(month.0)?;
        e.len(provinces.len())?;
        for p in provinces {
            encode_province_month(p, e)?;
        }
        encode_national(national, e)?;
    }
    Ok(())
}

pub fn decode_records<R: Read>(d: &mut Decoder<R>) -> Result<Vec<MonthRecord>, CheckpointError> {
    let n = d.len(16)?;
    let mut records = Vec::with_capacity(n);
    for _ in 0..n {
        let month = Month(d.u16()?);
        let k = d.len(64)?;
        let mut provinces = Vec::with_capacity(k);
        for _ in 0..k {
            provinces.push(decode_province_month(d)?);
        }
        let national = decode_national(d)?;
        records.push(MonthRecord { month, provinces, national });
    }
    Ok(records)
}

/// A [`RunState`] as the bytes of a checkpoint file (header included), e.g. for tests and in-memory copies.
pub fn state_to_bytes(state: &RunState) -> Vec<u8> {
    let mut c = std::io::Cursor::new(Vec::new());
    write(&mut c, |e| state.encode(e)).expect("writing to memory does not fail");
    c.into_inner()
}

/// A [`RunState`] from the bytes of a checkpoint file.
pub fn state_from_bytes(bytes: &[u8], threads: usize) -> Result<RunState, CheckpointError> {
    read(bytes, bytes.len() as u64, |d| RunState::decode(d, threads))
}
