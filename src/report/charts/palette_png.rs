//! PNG files of the charts as palette (indexed) images: a chart has a few hundred colours
//! (its palettes and the anti-aliased edges of text and lines), so one byte a pixel indexing
//! 256 colours, compressed at the best level, is about a fifth of the size of RGB.
//!
//! The palette is the 256 most frequent colours, ties broken by colour value; any other colour
//! (a rare shade of anti-aliasing) takes the nearest palette colour in RGB distance, ties to
//! the earlier palette entry. Nothing depends on hashing order or threads, so the same chart
//! is the same bytes on every run.

use std::collections::HashMap;

/// Most colours a palette PNG holds.
pub const MAX_COLOURS: usize = 256;

/// An RGB colour packed as `0xRRGGBB`.
type Packed = u32;

fn pack(pixel: &[u8]) -> Packed {
    (u32::from(pixel[0]) << 16) | (u32::from(pixel[1]) << 8) | u32::from(pixel[2])
}

fn unpack(colour: Packed) -> [u8; 3] {
    [(colour >> 16) as u8, (colour >> 8) as u8, colour as u8]
}

/// The palette of an RGB buffer (three bytes a pixel): its most frequent colours, at most
/// [`MAX_COLOURS`], most frequent first and ties by colour value.
pub fn palette(rgb: &[u8]) -> Vec<[u8; 3]> {
    let mut counts: HashMap<Packed, u64> = HashMap::new();
    // Charts are mostly runs of one colour: count runs, not pixels, in the map.
    let mut run: Option<(Packed, u64)> = None;
    for pixel in rgb.chunks_exact(3) {
        let colour = pack(pixel);
        match &mut run {
            Some((current, length)) if *current == colour => *length += 1,
            _ => {
                if let Some((current, length)) = run.replace((colour, 1)) {
                    *counts.entry(current).or_default() += length;
                }
            }
        }
    }
    if let Some((current, length)) = run {
        *counts.entry(current).or_default() += length;
    }
    let mut by_count: Vec<(Packed, u64)> = counts.into_iter().collect();
    by_count.sort_unstable_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    by_count
        .into_iter()
        .take(MAX_COLOURS)
        .map(|(colour, _)| unpack(colour))
        .collect()
}

fn distance(a: [u8; 3], b: [u8; 3]) -> u32 {
    a.iter()
        .zip(&b)
        .map(|(&x, &y)| (i32::from(x) - i32::from(y)).pow(2) as u32)
        .sum()
}

/// One palette index per pixel of `rgb`: the colour's own entry, or the nearest one.
pub fn indices(rgb: &[u8], palette: &[[u8; 3]]) -> Vec<u8> {
    let mut index: HashMap<Packed, u8> = palette
        .iter()
        .enumerate()
        .map(|(i, &c)| (pack(&c), i as u8))
        .collect();
    let mut last: Option<(Packed, u8)> = None;
    rgb.chunks_exact(3)
        .map(|pixel| {
            let colour = pack(pixel);
            if let Some((previous, i)) = last
                && previous == colour
            {
                return i;
            }
            let i = *index.entry(colour).or_insert_with(|| {
                let colour = [pixel[0], pixel[1], pixel[2]];
                // min_by_key keeps the first of equal distances: ties go to the earlier entry.
                palette
                    .iter()
                    .enumerate()
                    .min_by_key(|&(_, &p)| distance(p, colour))
                    .map_or(0, |(i, _)| i as u8)
            });
            last = Some((colour, i));
            i
        })
        .collect()
}

/// Encodes an RGB buffer of `width` × `height` pixels as a palette PNG.
pub fn encode(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let palette = palette(rgb);
    let indices = indices(rgb, &palette);
    let mut bytes = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut bytes, width, height);
        encoder.set_color(png::ColorType::Indexed);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_palette(palette.concat());
        encoder.set_compression(png::Compression::Default);
        // Filters predict smooth gradients; palette indices have none, so none compresses best.
        encoder.set_filter(png::FilterType::NoFilter);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::NonAdaptive);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(&indices)?;
        writer.finish()?;
    }
    Ok(bytes)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 400-colour gradient on white: more colours than a palette holds.
    fn picture() -> (Vec<u8>, u32, u32) {
        let (width, height) = (40u32, 30u32);
        let mut rgb = Vec::new();
        for i in 0..width * height {
            let n = i % 400;
            if i % 3 == 0 {
                rgb.extend([255, 255, 255]);
            } else {
                rgb.extend([(n % 256) as u8, (n / 2) as u8, 40]);
            }
        }
        (rgb, width, height)
    }

    #[test]
    fn the_palette_is_the_most_frequent_colours_ties_by_value() {
        let rgb = [
            [9, 9, 9],
            [1, 1, 1],
            [1, 1, 1],
            [5, 5, 5],
            [9, 9, 9],
            [0, 0, 7],
        ]
        .concat();
        assert_eq!(
            palette(&rgb),
            vec![[1, 1, 1], [9, 9, 9], [0, 0, 7], [5, 5, 5]]
        );
    }

    #[test]
    fn colours_beyond_the_palette_take_the_nearest() {
        let palette = vec![[0, 0, 0], [250, 250, 250], [200, 0, 0]];
        let rgb = [[255, 255, 255], [190, 10, 0], [0, 0, 0], [60, 60, 60]].concat();
        assert_eq!(indices(&rgb, &palette), vec![1, 2, 0, 0]);
    }

    #[test]
    fn encoding_is_deterministic_and_reads_back() {
        let (rgb, width, height) = picture();
        let first = encode(&rgb, width, height).unwrap();
        assert_eq!(first, encode(&rgb, width, height).unwrap());
        let decoder = png::Decoder::new(first.as_slice());
        let mut reader = decoder.read_info().unwrap();
        assert_eq!(reader.info().color_type, png::ColorType::Indexed);
        assert_eq!((reader.info().width, reader.info().height), (width, height));
        let palette = reader.info().palette.as_ref().unwrap().len() / 3;
        assert_eq!(palette, MAX_COLOURS);
        let mut indices = vec![0; reader.output_buffer_size()];
        reader.next_frame(&mut indices).unwrap();
        // White, the most frequent colour, is entry 0 and stays exact.
        assert_eq!(indices[0], 0);
    }

    #[test]
    fn an_empty_picture_encodes() {
        // No pixels: an error from the encoder, not a panic.
        let _ = encode(&[], 0, 0);
        let one = encode(&[1, 2, 3], 1, 1).unwrap();
        assert_eq!(&one[1..4], b"PNG");
    }
}
