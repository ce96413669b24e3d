"""What typed words mean, judged by a sentence model (sentences.py) and a classifier over its vectors (classifier.py): used by the safeguarding check and by the typed controls."""
