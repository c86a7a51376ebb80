//! The due-date factor (fator de vencimento) of a cobrança barcode.
//!
//! The factor counts days from 1997-10-07. It reached 9999 on 2025-02-21 and FEBRABAN restarted
//! it at 1000 on 2025-02-22, so every cycle spans 9000 days and the same factor names one date
//! per cycle. Encoding is exact for every cycle; decoding needs a reference "today" and picks the
//! only candidate inside the payment window: 3000 factors back and 5500 forward.
//!
//! The back edge follows the example published with brcobranca's implementation of the rule (on
//! 2014-03-13, factor 6001, the oldest accepted factor is 3000, i.e. 3001 days back); the window
//! is then 8502 days long, still shorter than a cycle, so at most one candidate fits.

use time::{Date, Duration, Month};

/// Day zero of the factor count.
pub const FACTOR_BASE: Date = match Date::from_calendar_date(1997, Month::October, 7) {
    Ok(d) => d,
    Err(_) => panic!("1997-10-07 is a valid date"),
};

/// Days in one cycle of factors 1000..=9999.
const CYCLE: i64 = 9000;
/// How far back a due date may lie and the boleto still be accepted, in days.
pub const WINDOW_BACK_DAYS: i64 = 3001;
/// How far ahead a due date may lie, in days.
pub const WINDOW_FORWARD_DAYS: i64 = 5500;

/// Why a factor or a date could not be converted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FactorError {
    /// Factors 0001..0999 were never assigned.
    #[error("due-date factor {0:04} is invalid: factors start at 1000 (0000 means no due date)")]
    Invalid(u16),
    /// The factor names no date inside the payment window around `today`.
    #[error(
        "due-date factor {factor:04} gives no date between {oldest} and {newest}, the window in \
         which a boleto can be paid on {today}"
    )]
    OutOfWindow {
        /// The factor read.
        factor: u16,
        /// The reference date.
        today: Date,
        /// Oldest due date accepted on `today`.
        oldest: Date,
        /// Newest due date accepted on `today`.
        newest: Date,
    },
    /// Due dates before factor 1000 cannot be written as a factor.
    #[error("the due date {0} is before 2000-07-03, the first date a factor can express")]
    TooEarly(Date),
}

/// The factor printed for a due date, in whichever cycle the date falls.
pub fn factor_for(due: Date) -> Result<u16, FactorError> {
    let n = (due - FACTOR_BASE).whole_days();
    if n < 1000 {
        return Err(FactorError::TooEarly(due));
    }
    // The value is in 1000..=9999, which fits u16.
    Ok(((n - 1000) % CYCLE + 1000) as u16)
}

/// The due date a factor stands for, seen from `today`. `Ok(None)` for factor 0000 (no due date).
pub fn date_for(factor: u16, today: Date) -> Result<Option<Date>, FactorError> {
    if factor == 0 {
        return Ok(None);
    }
    if !(1000..=9999).contains(&factor) {
        return Err(FactorError::Invalid(factor));
    }
    let n_today = (today - FACTOR_BASE).whole_days();
    let lo = n_today - WINDOW_BACK_DAYS;
    let hi = n_today + WINDOW_FORWARD_DAYS;
    let f = i64::from(factor);
    // Smallest k >= 0 with f + 9000k >= lo.
    let k = if lo > f {
        (lo - f + CYCLE - 1) / CYCLE
    } else {
        0
    };
    let n = f + CYCLE * k;
    let out_of_window = || FactorError::OutOfWindow {
        factor,
        today,
        oldest: FACTOR_BASE.saturating_add(Duration::days(lo)),
        newest: FACTOR_BASE.saturating_add(Duration::days(hi)),
    };
    if n > hi {
        return Err(out_of_window());
    }
    FACTOR_BASE
        .checked_add(Duration::days(n))
        .map(Some)
        .ok_or_else(out_of_window)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn restarts_at_1000_on_the_2025_rollover() {
        assert_eq!(factor_for(date!(2025 - 02 - 21)), Ok(9999));
        assert_eq!(factor_for(date!(2025 - 02 - 22)), Ok(1000));
        assert_eq!(factor_for(date!(2049 - 10 - 13)), Ok(9999));
        assert_eq!(factor_for(date!(2049 - 10 - 14)), Ok(1000));
    }

    #[test]
    fn refuses_dates_before_the_first_factor() {
        assert!(matches!(
            factor_for(date!(2000 - 07 - 02)),
            Err(FactorError::TooEarly(_))
        ));
    }

    #[test]
    fn refuses_unassigned_factors() {
        assert_eq!(
            date_for(999, date!(2025 - 06 - 01)),
            Err(FactorError::Invalid(999))
        );
        assert_eq!(date_for(0, date!(2025 - 06 - 01)), Ok(None));
    }
}
