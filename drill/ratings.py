"""The four recall ratings of FSRS, shared by grading, the store and the views."""

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
