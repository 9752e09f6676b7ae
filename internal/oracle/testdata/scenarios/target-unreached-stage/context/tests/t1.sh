echo t1
