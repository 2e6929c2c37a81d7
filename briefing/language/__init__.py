"""Language knowledge every stage may use, whichever engine extracted: the word lists
(`lexicon`), known names and roles (`names`), quantities in text (`numbers`) and text as
sentences and tokens (`sentences`). Nothing here belongs to one engine.
"""
