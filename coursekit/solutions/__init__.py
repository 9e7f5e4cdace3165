"""Reference solutions of the exercises, one module per lesson, named by the lesson's key.

A notebook imports its own with ``from coursekit.solutions import backprop as solutions`` and
shows a solution only after the exercise it solves.
"""
