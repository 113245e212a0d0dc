"""Stride's chat page (Gradio), started by `stride ui`; `ui.app` has everything.

Kept outside `assistant` so the library and the command line never import Gradio.
"""
