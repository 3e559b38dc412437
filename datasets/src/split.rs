//! The names of the standard splits of a data set.

use std::fmt;
use std::str::FromStr;

use crate::error::DatasetError;

/// A standard split of a data set.
///
/// Image data sets publish only `Train` and `Test`; carve a validation set out of the training
/// split with [`crate::SequenceDataset::holdout`]. WikiText publishes all three.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Split {
    /// The training split.
    Train,
    /// The validation split.
    Valid,
    /// The test split.
    Test,
}

impl Split {
    /// Returns the lower-case name used in file names and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Split::Train => "train",
            Split::Valid => "valid",
            Split::Test => "test",
        }
    }
}

impl fmt::Display for Split {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Split {
    type Err = DatasetError;

    /// Parses `train`, `valid` (or `validation`, `val`) and `test`, ignoring case.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.to_ascii_lowercase().as_str() {
            "train" => Ok(Split::Train),
            "valid" | "validation" | "val" => Ok(Split::Valid),
            "test" => Ok(Split::Test),
            _ => Err(DatasetError::invalid(
                "Split::from_str",
                format!("unknown split {s:?}; expected train, valid or test"),
            )),
        }
    }
}
