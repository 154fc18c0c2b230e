//! What the public (Mechanical Turk) crowd is paid per task (spec 8).
//!
//! Money is counted in integer tenths of a cent ([`MilliUsd`]), the finest unit the API can
//! express: `1000·Dollars + 10·Cents + TenthFractionsOfACent`, so no float ever rounds a price.
//! Only the public crowd is paid; a private team's price is kept as given and never checked
//! against the lists (spec 8 [IMPL]).

use std::fmt;
use std::iter::Sum;
use std::ops::Add;

use serde::{Deserialize, Serialize};

use crate::domain::flows::{TaskCount, TaskType};

/// An amount in tenths of a US cent (thousandths of a dollar).
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[serde(transparent)]
pub struct MilliUsd(u64);

impl MilliUsd {
    pub const ZERO: Self = Self(0);

    pub const fn new(millis: u64) -> Self {
        Self(millis)
    }

    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// `count` payments of this amount, e.g. the answers submitted for a loop. Saturates rather
    /// than wraps: no real spend comes near `u64::MAX` tenths of a cent.
    pub fn times(self, count: u64) -> Self {
        Self(self.0.saturating_mul(count))
    }
}

/// `0.012`: dollars with three decimals, the way the model's documentation lists prices.
impl fmt::Display for MilliUsd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{:03}", self.0 / 1000, self.0 % 1000)
    }
}

impl Add for MilliUsd {
    type Output = Self;

    fn add(self, other: Self) -> Self {
        Self(self.0.saturating_add(other.0))
    }
}

impl Sum for MilliUsd {
    fn sum<I: Iterator<Item = Self>>(iter: I) -> Self {
        iter.fold(Self::ZERO, Add::add)
    }
}

/// One of the three members of `AmountInUsd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PricePart {
    Dollars,
    Cents,
    TenthFractionsOfACent,
}

impl PricePart {
    pub const ALL: [Self; 3] = [Self::Dollars, Self::Cents, Self::TenthFractionsOfACent];

    /// The member name in `AmountInUsd`.
    pub fn member(self) -> &'static str {
        match self {
            Self::Dollars => "Dollars",
            Self::Cents => "Cents",
            Self::TenthFractionsOfACent => "TenthFractionsOfACent",
        }
    }

    /// The model's maximum; every part's minimum is 0.
    pub fn max(self) -> u8 {
        match self {
            Self::Dollars => 2,
            Self::Cents => 99,
            Self::TenthFractionsOfACent => 9,
        }
    }
}

impl fmt::Display for PricePart {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.member())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("AmountInUsd.{part} must be between 0 and {max}; {value} is not", max = part.max())]
pub struct PricePartOutOfRange {
    pub part: PricePart,
    pub value: i64,
}

/// The AWS `USD` shape: dollars 0-2, cents 0-99, tenths of a cent 0-9. Absent members are 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", try_from = "UsdWire")]
pub struct UsdAmount {
    dollars: u8,
    cents: u8,
    tenth_fractions_of_a_cent: u8,
}

impl UsdAmount {
    /// Largest amount the shape can hold: $2.999.
    pub const MAX: MilliUsd = MilliUsd(2_999);

    /// From the three optional members, reporting every part out of range.
    pub fn from_parts(
        dollars: Option<i64>,
        cents: Option<i64>,
        tenth_fractions_of_a_cent: Option<i64>,
    ) -> Result<Self, Vec<PricePartOutOfRange>> {
        let mut errors = Vec::new();
        let mut part = |part: PricePart, value: Option<i64>| {
            let value = value.unwrap_or(0);
            match u8::try_from(value) {
                Ok(ok) if ok <= part.max() => ok,
                _ => {
                    errors.push(PricePartOutOfRange { part, value });
                    0
                }
            }
        };
        let amount = Self {
            dollars: part(PricePart::Dollars, dollars),
            cents: part(PricePart::Cents, cents),
            tenth_fractions_of_a_cent: part(
                PricePart::TenthFractionsOfACent,
                tenth_fractions_of_a_cent,
            ),
        };
        if errors.is_empty() {
            Ok(amount)
        } else {
            Err(errors)
        }
    }

    /// The one encoding of an amount up to $2.999.
    pub fn from_milli_usd(amount: MilliUsd) -> Result<Self, PriceTooHigh> {
        let millis = amount.as_millis();
        if millis > Self::MAX.as_millis() {
            return Err(PriceTooHigh(amount));
        }
        // Each part is below its maximum here, so the narrowing casts cannot truncate.
        Ok(Self {
            dollars: (millis / 1000) as u8,
            cents: (millis % 1000 / 10) as u8,
            tenth_fractions_of_a_cent: (millis % 10) as u8,
        })
    }

    pub fn to_milli_usd(self) -> MilliUsd {
        MilliUsd(
            1000 * u64::from(self.dollars)
                + 10 * u64::from(self.cents)
                + u64::from(self.tenth_fractions_of_a_cent),
        )
    }

    pub fn dollars(self) -> u8 {
        self.dollars
    }

    pub fn cents(self) -> u8 {
        self.cents
    }

    pub fn tenth_fractions_of_a_cent(self) -> u8 {
        self.tenth_fractions_of_a_cent
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("{0} USD is more than the $2.999 a task price can express")]
pub struct PriceTooHigh(pub MilliUsd);

/// `PublicWorkforceTaskPrice { AmountInUsd }`: what one worker earns for one task.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase", from = "PriceWire")]
pub struct PublicWorkforceTaskPrice {
    pub amount_in_usd: UsdAmount,
}

impl PublicWorkforceTaskPrice {
    pub fn from_milli_usd(amount: MilliUsd) -> Result<Self, PriceTooHigh> {
        UsdAmount::from_milli_usd(amount).map(|amount_in_usd| Self { amount_in_usd })
    }

    pub fn to_milli_usd(self) -> MilliUsd {
        self.amount_in_usd.to_milli_usd()
    }
}

/// The request shape, where every member may be missing or null.
#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct UsdWire {
    dollars: Option<i64>,
    cents: Option<i64>,
    tenth_fractions_of_a_cent: Option<i64>,
}

impl TryFrom<UsdWire> for UsdAmount {
    type Error = InvalidUsdAmount;

    fn try_from(wire: UsdWire) -> Result<Self, InvalidUsdAmount> {
        Self::from_parts(wire.dollars, wire.cents, wire.tenth_fractions_of_a_cent)
            .map_err(InvalidUsdAmount)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct PriceWire {
    amount_in_usd: Option<UsdAmount>,
}

impl From<PriceWire> for PublicWorkforceTaskPrice {
    fn from(wire: PriceWire) -> Self {
        Self {
            amount_in_usd: wire.amount_in_usd.unwrap_or_default(),
        }
    }
}

/// Every part of an `AmountInUsd` that is out of range.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}", self.0.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "))]
pub struct InvalidUsdAmount(pub Vec<PricePartOutOfRange>);

/// The 26 prices for Textract Important Form Key review tasks (model documentation of
/// `PublicWorkforceTaskPrice`): the 16 standard prices, then ten more up to $2.400.
pub const TEXTRACT_PRICES: [MilliUsd; 26] = {
    const MILLIS: [u64; 26] = [
        12, 24, 36, 48, 60, 72, 120, 240, 360, 480, 600, 720, 840, 960, 1080, 1200, 1320, 1440,
        1560, 1680, 1800, 1920, 2040, 2160, 2280, 2400,
    ];
    let mut prices = [MilliUsd(0); 26];
    let mut i = 0;
    while i < MILLIS.len() {
        prices[i] = MilliUsd(MILLIS[i]);
        i += 1;
    }
    prices
};

/// The 16 prices for custom and Rekognition review tasks: the first 16 of the Textract list.
pub const STANDARD_PRICES: &[MilliUsd] = TEXTRACT_PRICES.split_at(16).0;

/// The prices the public crowd may be offered for a task type, lowest first.
pub fn allowed_prices(task_type: TaskType) -> &'static [MilliUsd] {
    match task_type {
        TaskType::Custom | TaskType::RekognitionModeration => STANDARD_PRICES,
        TaskType::TextractForms => &TEXTRACT_PRICES,
    }
}

/// Why a flow definition's price does not suit the public crowd.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PublicCrowdPriceError {
    /// The crowd is paid per task, so a flow definition that sends it work must say how much.
    #[error("the public crowd is paid per task: give a PublicWorkforceTaskPrice for {task_type}")]
    Missing { task_type: TaskType },
    #[error("{price} USD is not a price for {task_type}; use one of {}", or_list(allowed_prices(*task_type)))]
    NotAllowed {
        price: MilliUsd,
        task_type: TaskType,
    },
}

/// Checks the price of a flow definition whose work team is the public crowd: it must be given
/// and be one of the task type's prices. Returns the price per task.
pub fn check_public_crowd_price(
    task_type: TaskType,
    price: Option<PublicWorkforceTaskPrice>,
) -> Result<MilliUsd, PublicCrowdPriceError> {
    let price = price
        .ok_or(PublicCrowdPriceError::Missing { task_type })?
        .to_milli_usd();
    if allowed_prices(task_type).contains(&price) {
        Ok(price)
    } else {
        Err(PublicCrowdPriceError::NotAllowed { price, task_type })
    }
}

/// Worker pay for one completed human loop: each of the `TaskCount` distinct workers is paid the
/// task price once.
pub fn loop_cost(price: MilliUsd, task_count: TaskCount) -> MilliUsd {
    price.times(u64::from(task_count.get()))
}

/// "0.012, 0.024 or 0.036".
fn or_list(prices: &[MilliUsd]) -> String {
    let names: Vec<String> = prices.iter().map(ToString::to_string).collect();
    match names.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    /// Spec 8's encoding table: USD text, Dollars, Cents, TenthFractionsOfACent, milli-USD.
    const ENCODING: [(&str, u8, u8, u8, u64); 26] = [
        ("0.012", 0, 1, 2, 12),
        ("0.024", 0, 2, 4, 24),
        ("0.036", 0, 3, 6, 36),
        ("0.048", 0, 4, 8, 48),
        ("0.060", 0, 6, 0, 60),
        ("0.072", 0, 7, 2, 72),
        ("0.120", 0, 12, 0, 120),
        ("0.240", 0, 24, 0, 240),
        ("0.360", 0, 36, 0, 360),
        ("0.480", 0, 48, 0, 480),
        ("0.600", 0, 60, 0, 600),
        ("0.720", 0, 72, 0, 720),
        ("0.840", 0, 84, 0, 840),
        ("0.960", 0, 96, 0, 960),
        ("1.080", 1, 8, 0, 1080),
        ("1.200", 1, 20, 0, 1200),
        ("1.320", 1, 32, 0, 1320),
        ("1.440", 1, 44, 0, 1440),
        ("1.560", 1, 56, 0, 1560),
        ("1.680", 1, 68, 0, 1680),
        ("1.800", 1, 80, 0, 1800),
        ("1.920", 1, 92, 0, 1920),
        ("2.040", 2, 4, 0, 2040),
        ("2.160", 2, 16, 0, 2160),
        ("2.280", 2, 28, 0, 2280),
        ("2.400", 2, 40, 0, 2400),
    ];

    fn price(millis: u64) -> PublicWorkforceTaskPrice {
        PublicWorkforceTaskPrice::from_milli_usd(MilliUsd::new(millis)).unwrap()
    }

    #[test]
    fn every_row_of_the_encoding_table_round_trips() {
        for (usd, dollars, cents, tenths, millis) in ENCODING {
            let amount = UsdAmount::from_parts(
                Some(i64::from(dollars)),
                Some(i64::from(cents)),
                Some(i64::from(tenths)),
            )
            .unwrap();
            assert_eq!(amount.to_milli_usd(), MilliUsd::new(millis), "{usd}");
            assert_eq!(amount.to_milli_usd().to_string(), usd);
            let back = UsdAmount::from_milli_usd(MilliUsd::new(millis)).unwrap();
            assert_eq!(back, amount, "{usd}");
            assert_eq!(
                (
                    back.dollars(),
                    back.cents(),
                    back.tenth_fractions_of_a_cent()
                ),
                (dollars, cents, tenths)
            );
        }
    }

    #[test]
    fn the_table_is_exactly_the_textract_list_and_its_first_sixteen_the_standard_one() {
        let table: Vec<MilliUsd> = ENCODING.iter().map(|row| MilliUsd::new(row.4)).collect();
        assert_eq!(allowed_prices(TaskType::TextractForms), table.as_slice());
        assert_eq!(allowed_prices(TaskType::Custom), &table[..16]);
        assert_eq!(
            allowed_prices(TaskType::RekognitionModeration),
            allowed_prices(TaskType::Custom)
        );
        assert_eq!(allowed_prices(TaskType::Custom).len(), 16);
        assert_eq!(allowed_prices(TaskType::TextractForms).len(), 26);
    }

    #[test]
    fn parses_the_aws_shape_with_absent_members_as_zero() {
        let parsed: PublicWorkforceTaskPrice = serde_json::from_value(json!({
            "AmountInUsd": {"Dollars": 0, "Cents": 1, "TenthFractionsOfACent": 2}
        }))
        .unwrap();
        assert_eq!(parsed.to_milli_usd(), MilliUsd::new(12));
        let cents_only: PublicWorkforceTaskPrice =
            serde_json::from_value(json!({"AmountInUsd": {"Cents": 12}})).unwrap();
        assert_eq!(cents_only.to_milli_usd(), MilliUsd::new(120));
        let dollars_only: PublicWorkforceTaskPrice =
            serde_json::from_value(json!({"AmountInUsd": {"Dollars": 1, "Cents": null}})).unwrap();
        assert_eq!(dollars_only.to_milli_usd(), MilliUsd::new(1000));
        for empty in [
            json!({}),
            json!({"AmountInUsd": null}),
            json!({"AmountInUsd": {}}),
        ] {
            let parsed: PublicWorkforceTaskPrice = serde_json::from_value(empty).unwrap();
            assert_eq!(parsed.to_milli_usd(), MilliUsd::ZERO);
        }
    }

    #[test]
    fn serialises_every_member_of_the_aws_shape() {
        assert_eq!(
            serde_json::to_value(price(1080)).unwrap(),
            json!({"AmountInUsd": {"Dollars": 1, "Cents": 8, "TenthFractionsOfACent": 0}})
        );
    }

    #[test]
    fn each_part_has_its_range() {
        assert_eq!(
            UsdAmount::from_parts(Some(3), Some(100), Some(10)).unwrap_err(),
            vec![
                PricePartOutOfRange {
                    part: PricePart::Dollars,
                    value: 3
                },
                PricePartOutOfRange {
                    part: PricePart::Cents,
                    value: 100
                },
                PricePartOutOfRange {
                    part: PricePart::TenthFractionsOfACent,
                    value: 10
                },
            ]
        );
        assert!(UsdAmount::from_parts(Some(-1), None, None).is_err());
        assert_eq!(
            UsdAmount::from_parts(Some(2), Some(99), Some(9))
                .unwrap()
                .to_milli_usd(),
            UsdAmount::MAX
        );
        let err = serde_json::from_value::<PublicWorkforceTaskPrice>(
            json!({"AmountInUsd": {"Cents": 100}}),
        )
        .unwrap_err();
        assert!(
            err.to_string()
                .contains("AmountInUsd.Cents must be between 0 and 99; 100 is not"),
            "{err}"
        );
        assert_eq!(
            UsdAmount::from_milli_usd(MilliUsd::new(3000)),
            Err(PriceTooHigh(MilliUsd::new(3000)))
        );
    }

    #[test]
    fn the_public_crowd_needs_a_listed_price() {
        assert_eq!(
            check_public_crowd_price(TaskType::Custom, Some(price(72))),
            Ok(MilliUsd::new(72))
        );
        assert_eq!(
            check_public_crowd_price(TaskType::TextractForms, Some(price(2400))),
            Ok(MilliUsd::new(2400))
        );
        let err = check_public_crowd_price(TaskType::RekognitionModeration, Some(price(2400)))
            .unwrap_err();
        assert_eq!(
            err,
            PublicCrowdPriceError::NotAllowed {
                price: MilliUsd::new(2400),
                task_type: TaskType::RekognitionModeration
            }
        );
        let text = err.to_string();
        assert!(
            text.starts_with("2.400 USD is not a price for Rekognition"),
            "{text}"
        );
        assert!(text.ends_with("1.080 or 1.200"), "{text}");
        for odd in [0, 13, 100, 2999] {
            assert!(check_public_crowd_price(TaskType::TextractForms, Some(price(odd))).is_err());
        }
        assert_eq!(
            check_public_crowd_price(TaskType::Custom, None),
            Err(PublicCrowdPriceError::Missing {
                task_type: TaskType::Custom
            })
        );
    }

    #[test]
    fn a_loop_costs_task_count_times_the_price() {
        // Spec 8's example: Textract, TaskCount 3, $0.072 → $0.216 per loop.
        let cost = loop_cost(MilliUsd::new(72), TaskCount::new(3).unwrap());
        assert_eq!(cost, MilliUsd::new(216));
        assert_eq!(cost.to_string(), "0.216");
        assert_eq!(
            loop_cost(MilliUsd::new(1200), TaskCount::new(1).unwrap()),
            MilliUsd::new(1200)
        );
        let spend: MilliUsd = [MilliUsd::new(216), MilliUsd::new(72)].into_iter().sum();
        assert_eq!(spend.to_string(), "0.288");
        assert_eq!(MilliUsd::new(u64::MAX).times(2), MilliUsd::new(u64::MAX));
        assert_eq!(MilliUsd::new(12_345).to_string(), "12.345");
    }
}
