//! Link stage: navigation between articles: backlinks, neighbours within a
//! topic, and "more on this topic".

use std::collections::{BTreeSet, HashMap};

use rayon::prelude::*;

use super::Archive;

/// How many neighbours in time within a topic are considered for "more on
/// this topic" (keeps the step linear in the archive's size).
const CANDIDATE_WINDOW: usize = 40;
/// Articles shown under "more on this topic".
pub const MORE_COUNT: usize = 5;

pub fn build_navigation(archive: &mut Archive) {
    let targets = link_targets(archive);
    build_backlinks(archive, &targets);
    build_topic_neighbours(archive);
    build_more(archive, &targets);
}

/// For each entry, the other entries it links to (related box and body).
fn link_targets(archive: &Archive) -> Vec<BTreeSet<usize>> {
    archive
        .entries
        .par_iter()
        .enumerate()
        .map(|(i, e)| {
            e.body
                .related
                .iter()
                .map(|r| r.href.as_str())
                .chain(e.body.body.links())
                .filter_map(|href| archive.resolve(href))
                .filter(|&t| t != i)
                .collect()
        })
        .collect()
}

fn build_backlinks(archive: &mut Archive, targets: &[BTreeSet<usize>]) {
    for (source, ts) in targets.iter().enumerate() {
        for &t in ts {
            archive.entries[t].backlinks.push(source);
        }
    }
    // Sources are visited in archive order, which is newest first already.
}

fn build_topic_neighbours(archive: &mut Archive) {
    let mut updates = Vec::new();
    for topic in &archive.topics {
        let dated: Vec<usize> = topic
            .entries
            .iter()
            .copied()
            .filter(|&i| archive.entries[i].article.date.is_some())
            .collect();
        for (pos, &i) in dated.iter().enumerate() {
            let first_topic = archive.entries[i]
                .topics
                .first()
                .map(|&t| &archive.topics[t].dir);
            if first_topic != Some(&topic.dir) {
                continue;
            }
            let newer = pos.checked_sub(1).map(|p| dated[p]);
            let older = dated.get(pos + 1).copied();
            updates.push((i, newer, older));
        }
    }
    for (i, newer, older) in updates {
        archive.entries[i].topic_newer = newer;
        archive.entries[i].topic_older = older;
    }
}

/// Ranks candidates by shared topics, shared link targets (and links between
/// the two), then closeness in time; ties go to the newer article.
fn build_more(archive: &mut Archive, targets: &[BTreeSet<usize>]) {
    let position: Vec<HashMap<usize, usize>> = archive
        .topics
        .par_iter()
        .map(|t| t.entries.iter().enumerate().map(|(p, &i)| (i, p)).collect())
        .collect();
    let reading: &Archive = archive;
    let more = |(i, e): (usize, &super::Entry)| -> Vec<usize> {
        let archive = reading;
        let mut candidates: Vec<usize> = Vec::new();
        for &t in &e.topics {
            let list = &archive.topics[t].entries;
            let p = position[t][&i];
            let lo = p.saturating_sub(CANDIDATE_WINDOW / 2);
            let hi = (p + CANDIDATE_WINDOW / 2 + 1).min(list.len());
            candidates.extend(&list[lo..hi]);
        }
        candidates.extend(&targets[i]);
        candidates.extend(&e.backlinks);
        candidates.sort_unstable();
        candidates.dedup();
        let mut scored: Vec<(i64, usize)> = candidates
            .into_iter()
            .filter(|&c| c != i)
            .map(|c| (score(archive, targets, i, c), c))
            .filter(|(s, _)| *s > 0)
            .collect();
        scored.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        scored
            .into_iter()
            .take(MORE_COUNT)
            .map(|(_, c)| c)
            .collect()
    };
    let results: Vec<Vec<usize>> = reading.entries.par_iter().enumerate().map(more).collect();
    for (e, more) in archive.entries.iter_mut().zip(results) {
        e.more = more;
    }
}

fn score(archive: &Archive, targets: &[BTreeSet<usize>], a: usize, b: usize) -> i64 {
    let (ea, eb) = (&archive.entries[a], &archive.entries[b]);
    let shared_topics = ea.topics.iter().filter(|t| eb.topics.contains(t)).count() as i64;
    let shared_targets = targets[a].intersection(&targets[b]).count() as i64;
    let linked = (targets[a].contains(&b) || targets[b].contains(&a)) as i64;
    let relevance = 1000 * shared_topics + 700 * shared_targets + 1500 * linked;
    if relevance == 0 {
        return 0;
    }
    let closeness = match (ea.article.date, eb.article.date) {
        (Some(x), Some(y)) => {
            let days = (x - y).num_days().abs();
            (300 - days.min(300)).max(0)
        }
        _ => 0,
    };
    relevance + closeness
}
