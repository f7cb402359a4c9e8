"""The stamp font of visible signatures and filled fields: the PDF font subset to the
characters a stamp uses and rescaled to 1000 units per em, held in memory."""

from __future__ import annotations

import logging
from functools import lru_cache
from io import BytesIO

from fontTools import subset
from fontTools.ttLib import TTFont
from fontTools.ttLib.scaleUpem import scale_upem
from pyhanko.pdf_utils.font.opentype import GlyphAccumulator, GlyphAccumulatorFactory

# fontTools reports every table it cannot subset (FFTM) at warning level on each signature.
logging.getLogger("fontTools.subset").setLevel(logging.ERROR)

#: Characters the stamp font keeps: Latin, Vietnamese letters and tone marks, punctuation, ₫.
STAMP_CHARACTERS = [
    *range(0x20, 0x7F),
    *range(0xA0, 0x180),
    *range(0x1A0, 0x1B1),
    *range(0x300, 0x370),
    *range(0x1EA0, 0x1EFA),
    *range(0x2010, 0x2045),
    0x20AB,
]


@lru_cache(maxsize=4)
def _stamp_font_bytes(path: str) -> bytes:
    # pyHanko writes glyph widths (/W, TJ) in raw font units, which is right only for fonts
    # with 1000 units per em; Liberation Serif has 2048, so its glyphs would be spread out
    # and clipped. Rescaling to 1000 (after keeping only the stamp's characters, which makes
    # it ~0.3 s instead of ~1.4 s) once per process fixes the stamp.
    font = TTFont(path)
    options = subset.Options()
    options.layout_features = ["*"]
    options.notdef_outline = True
    subsetter = subset.Subsetter(options)
    subsetter.populate(unicodes=STAMP_CHARACTERS)
    subsetter.subset(font)
    scale_upem(font, 1000)
    buffer = BytesIO()
    font.save(buffer)
    return buffer.getvalue()


class _InMemoryFont(GlyphAccumulatorFactory):
    """pyHanko's factory leaves the font file open and mis-scales 2048-unit fonts; not this one."""

    def create_font_engine(self, writer, obj_stream=None) -> GlyphAccumulator:
        if obj_stream is None and writer.stream_xrefs and self.create_objstream_if_needed:
            obj_stream = writer.prepare_object_stream()
        return GlyphAccumulator(
            writer=writer,
            font_handle=BytesIO(_stamp_font_bytes(self.font_file)),
            font_size=self.font_size,
            ot_script_tag=self.ot_script_tag,
            ot_language_tag=self.ot_language_tag,
            writing_direction=self.writing_direction,
            bcp47_lang_code=self.bcp47_lang_code,
            obj_stream=obj_stream,
        )
