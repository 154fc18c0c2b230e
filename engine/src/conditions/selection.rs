//! Which inferences a condition points reviewers at (spec 4.3): a set of moderation labels or KEY
//! blocks, or the whole response.

/// Item indexes are label indexes in `moderationLabels` or KEY block indexes in `blocks`,
/// sorted and without repeats.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Selection {
    /// Every inference of the response, as a true `Sampling` condition selects.
    All,
    Items(Vec<u32>),
}

impl Selection {
    pub fn none() -> Self {
        Self::Items(Vec::new())
    }

    pub fn is_all(&self) -> bool {
        matches!(self, Self::All)
    }

    pub fn union_with(&mut self, other: Selection) {
        match (&mut *self, other) {
            (Self::All, _) => {}
            (_, Self::All) => *self = Self::All,
            (Self::Items(mine), Self::Items(theirs)) => {
                if theirs.is_empty() {
                    return;
                }
                if mine.is_empty() {
                    *mine = theirs;
                    return;
                }
                let mut merged = Vec::with_capacity(mine.len() + theirs.len());
                let (mut i, mut j) = (0, 0);
                while i < mine.len() && j < theirs.len() {
                    let (a, b) = (mine[i], theirs[j]);
                    merged.push(a.min(b));
                    i += usize::from(a <= b);
                    j += usize::from(b <= a);
                }
                merged.extend_from_slice(&mine[i..]);
                merged.extend_from_slice(&theirs[j..]);
                *mine = merged;
            }
        }
    }

    pub fn intersect_with(&mut self, other: &Selection) {
        match (&mut *self, other) {
            (_, Self::All) => {}
            (Self::All, Self::Items(theirs)) => *self = Self::Items(theirs.clone()),
            (Self::Items(mine), Self::Items(theirs)) => {
                mine.retain(|item| theirs.binary_search(item).is_ok());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn items(v: &[u32]) -> Selection {
        Selection::Items(v.to_vec())
    }

    #[test]
    fn union_merges_sorted_sets_and_all_absorbs() {
        let mut s = items(&[1, 4, 7]);
        s.union_with(items(&[0, 4, 9]));
        assert_eq!(s, items(&[0, 1, 4, 7, 9]));
        s.union_with(Selection::All);
        assert_eq!(s, Selection::All);
        s.union_with(items(&[2]));
        assert_eq!(s, Selection::All);
    }

    #[test]
    fn intersection_keeps_common_items_and_all_is_neutral() {
        let mut s = items(&[1, 4, 7]);
        s.intersect_with(&Selection::All);
        assert_eq!(s, items(&[1, 4, 7]));
        s.intersect_with(&items(&[4, 7, 8]));
        assert_eq!(s, items(&[4, 7]));
        let mut all = Selection::All;
        all.intersect_with(&items(&[3]));
        assert_eq!(all, items(&[3]));
    }
}
