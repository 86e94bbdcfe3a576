"""Simulated trainees (`bots`) and scripted, headless play (`runner`): the engine driven without a person."""
