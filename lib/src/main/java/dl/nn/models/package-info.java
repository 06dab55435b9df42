/**
 * Ready-made networks built only from the public layers: LeNet-5, AlexNet- and VGG-style nets,
 * GoogLeNet's Inception module, ResNet blocks, ResNet-18 and small ResNets. Notebooks 10 (LeNet),
 * 12 (going deeper) and 13 (ResNet) use them.
 */
package dl.nn.models;
