//! Render stage: paragraph alignment for the parallel reading page, by
//! length in the manner of Gale and Church (1993).
//!
//! Each paragraph is only a length. Pairs of groups ("beads") of 1–1, 1–0,
//! 0–1, 2–1, 1–2 and 2–2 paragraphs are scored by how well their lengths fit
//! the ratio of the two whole texts, weighted by how common each bead is;
//! dynamic programming finds the cheapest sequence of beads.

/// One aligned row: paragraph indexes on the left and on the right.
pub type Bead = (Vec<usize>, Vec<usize>);

/// Prior probability of each bead shape: Gale & Church's estimates, plus
/// 3–1 and 1–3 beads, which Chinese–English pairs need when one side splits
/// paragraphs (or `<br><br>` runs) more finely than the other.
const BEADS: [(usize, usize, f64); 8] = [
    (1, 1, 0.89),
    (1, 0, 0.0099),
    (0, 1, 0.0099),
    (2, 1, 0.089),
    (1, 2, 0.089),
    (2, 2, 0.011),
    (3, 1, 0.02),
    (1, 3, 0.02),
];

/// Variance of the length ratio per unit of length (Gale & Church's 6.8,
/// scaled to the ratio of the two texts below).
const VARIANCE: f64 = 6.8;

/// Aligns paragraphs of lengths `left` and `right`.
pub fn align(left: &[usize], right: &[usize]) -> Vec<Bead> {
    let (n, m) = (left.len(), right.len());
    let total_l: usize = left.iter().sum::<usize>().max(1);
    let total_r: usize = right.iter().sum::<usize>().max(1);
    let ratio = total_r as f64 / total_l as f64;
    let mut cost = vec![vec![f64::INFINITY; m + 1]; n + 1];
    let mut back = vec![vec![(0usize, 0usize); m + 1]; n + 1];
    cost[0][0] = 0.0;
    for i in 0..=n {
        for j in 0..=m {
            if i == 0 && j == 0 {
                continue;
            }
            for &(di, dj, prior) in &BEADS {
                if di > i || dj > j || !cost[i - di][j - dj].is_finite() {
                    continue;
                }
                let l1: usize = left[i - di..i].iter().sum();
                let l2: usize = right[j - dj..j].iter().sum();
                let c = cost[i - di][j - dj] + bead_cost(l1, l2, ratio, prior);
                if c < cost[i][j] {
                    cost[i][j] = c;
                    back[i][j] = (di, dj);
                }
            }
        }
    }
    let mut beads = Vec::new();
    let (mut i, mut j) = (n, m);
    while i > 0 || j > 0 {
        let (di, dj) = back[i][j];
        beads.push(((i - di..i).collect(), (j - dj..j).collect()));
        i -= di;
        j -= dj;
    }
    beads.reverse();
    beads
}

/// −log of the probability that lengths `l1` and `l2` translate each other
/// in a bead of this shape.
fn bead_cost(l1: usize, l2: usize, ratio: f64, prior: f64) -> f64 {
    let (l1, l2) = (l1 as f64, l2 as f64);
    let mean = (l1 + l2 / ratio) / 2.0;
    let delta = if mean == 0.0 {
        0.0
    } else {
        (l2 - l1 * ratio) / (VARIANCE * ratio * mean).sqrt()
    };
    // Two-tailed normal probability of a deviation at least this large.
    let p = (2.0 * (1.0 - normal_cdf(delta.abs()))).max(1e-12);
    -prior.ln() - p.ln()
}

fn normal_cdf(z: f64) -> f64 {
    // Abramowitz and Stegun 7.1.26, enough for ranking beads.
    let t = 1.0 / (1.0 + 0.2316419 * z);
    let poly = t
        * (0.319381530
            + t * (-0.356563782 + t * (1.781477937 + t * (-1.821255978 + t * 1.330274429))));
    1.0 - (-z * z / 2.0).exp() / (2.0 * std::f64::consts::PI).sqrt() * poly
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_paragraph_counts_align_one_to_one() {
        let zh = [120, 80, 200, 60];
        let en = [330, 230, 560, 170];
        let beads = align(&zh, &en);
        let expected: Vec<Bead> = (0..4).map(|k| (vec![k], vec![k])).collect();
        assert_eq!(beads, expected);
    }

    #[test]
    fn a_split_paragraph_becomes_a_one_to_two_bead() {
        // The second Chinese paragraph was split in two in English.
        let zh = [100, 200, 100];
        let en = [300, 290, 310, 300];
        let beads = align(&zh, &en);
        assert_eq!(
            beads,
            vec![
                (vec![0], vec![0]),
                (vec![1], vec![1, 2]),
                (vec![2], vec![3])
            ]
        );
    }

    #[test]
    fn an_untranslated_paragraph_stands_alone() {
        let zh = [100, 5, 100];
        let en = [300, 300];
        let beads = align(&zh, &en);
        assert_eq!(beads.len(), 2, "{beads:?}");
        assert!(beads.iter().all(|(l, r)| !l.is_empty() && r.len() == 1));
    }

    #[test]
    fn empty_sides_are_fine() {
        assert_eq!(align(&[], &[10]), vec![(vec![], vec![0])]);
        assert!(align(&[], &[]).is_empty());
    }
}
