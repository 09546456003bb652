/** The resourcedetection processor. */
package dev.tapio.plugin.resourcedetection;
